import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../agent/core/check.js';
import { GITLAB_SECTIONS } from '../../agent/core/gitlab-sections.js';
import { SEVERITIES } from '../../agent/core/severity.js';
import { CHECKS } from '../../checks/index.js';

describe('check catalog', () => {
  it('has unique kebab-case ids', () => {
    const ids = CHECKS.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it.each(CHECKS.map((c) => [c.meta.id, c] as const))('%s carries complete metadata', (_id, check) => {
    const { meta } = check;
    expect(meta.title.length).toBeGreaterThan(5);
    expect(SEVERITIES).toContain(meta.severity);
    expect(CATEGORIES).toContain(meta.category);
    expect(meta.rationale.length).toBeGreaterThan(30);
    expect(meta.remediation.length).toBeGreaterThan(15);
    expect(Object.keys(GITLAB_SECTIONS)).toContain(meta.gitlabSection);
    expect(meta.requires.length).toBeGreaterThan(0);
    for (const ref of meta.references) expect(ref.url).toMatch(/^https:\/\//);
  });
});
