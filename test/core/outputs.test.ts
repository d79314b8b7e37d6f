import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { collectFacts } from '../../agent/core/collect.js';
import { judge } from '../../agent/core/judge.js';
import { defaultConfig } from '../../agent/config/schema.js';
import { renderChecksDoc } from '../../agent/output/catalog.js';
import { renderJson } from '../../agent/output/json.js';
import { renderJunit } from '../../agent/output/junit.js';
import { renderSarif } from '../../agent/output/sarif.js';
import { renderTable } from '../../agent/output/table.js';
import { CHECKS } from '../../checks/index.js';
import { SyntheticHost } from '../helpers/host.js';
import { sarifErrors } from '../helpers/sarif.js';
import { fakeRunnerCollector, fakeSearchedCheck, fakeThrowingCheck, silentLog } from '../helpers/fakes.js';


async function sampleResult() {
  const host = new SyntheticHost().withIdentity();
  // Hostile names: control characters and XML metacharacters must survive every format safely.
  const facts = await collectFacts({ root: host.root, config: defaultConfig(), collectors: [fakeRunnerCollector('ok', ['/etc/a<&>"\'\u001b[2J', '/srv/b', '/srv/c'])], log: silentLog });
  host.cleanup();
  return judge(facts, [fakeSearchedCheck, fakeThrowingCheck], [
    { check: 'fake-searched-path', subject: '/srv/c', reason: 'accepted' },
    { check: 'fake-searched-path', subject: '/old', reason: 'gone', expires: '2001-01-01' },
  ]);
}

describe('outputs', () => {
  it('SARIF validates against the SARIF 2.1.0 schema and carries suppressions and fingerprints', async () => {
    const result = await sampleResult();
    const sarif = JSON.parse(renderSarif(result, [fakeSearchedCheck, fakeThrowingCheck]));
    expect(sarifErrors(sarif)).toEqual([]);
    const results = sarif.runs[0].results;
    expect(results).toHaveLength(3);
    expect(results.filter((r: { suppressions?: unknown }) => r.suppressions)).toHaveLength(1);
    expect(results[0].partialFingerprints['runnerWarden/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toContain('expired on 2001-01-01');
  });

  it('SARIF of the real catalog validates too (every rule)', async () => {
    const result = await sampleResult();
    expect(sarifErrors(JSON.parse(renderSarif({ ...result, findings: [] }, CHECKS)))).toEqual([]);
  });

  it('JUnit is well-formed XML with one testcase per check; failures carry findings, errors are errors', async () => {
    const result = await sampleResult();
    const xml = renderJunit(result);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite.testcase).toHaveLength(2);
    expect(suite['@_failures']).toBe('1');
    expect(suite['@_errors']).toBe('1');
    const failing = suite.testcase.find((t: { '@_name': string }) => t['@_name'].startsWith('fake-searched-path'));
    expect(failing.failure['@_message']).toBe('2 finding(s), worst high');
    expect(failing.failure['#text']).toContain('/srv/b');
    expect(failing.failure['#text']).not.toContain('/srv/c');
    expect(xml).not.toMatch(/\u001b/);
  });

  it('JSON is the ScanResult, stable byte for byte', async () => {
    const result = await sampleResult();
    const json = renderJson(result);
    expect(JSON.parse(json)).toEqual(result);
    expect(renderJson(JSON.parse(json))).toBe(json);
  });

  it('the table groups by severity, counts suppressed findings and shows no raw escapes', async () => {
    const result = await sampleResult();
    const plain = renderTable(result, { color: false, verbose: false });
    expect(plain).toMatch(/^HIGH \(2\)$/m);
    expect(plain).toContain('fix: Test remediation.');
    expect(plain).toMatch(/Summary: 2 findings \(2 high\), 1 suppressed/);
    expect(plain).toContain('expired on 2001-01-01');
    expect(plain).not.toContain('\u001b');
    expect(plain).not.toContain('evidence:');
    const verbose = renderTable(result, { color: false, verbose: true });
    expect(verbose).toContain('evidence: path=/srv/b');
    expect(verbose).toContain('why: Test rationale.');
    expect(verbose).toContain('GitLab: Usage of Shell executor <https://docs.gitlab.com/runner/security/#usage-of-shell-executor>');
    expect(renderTable(result, { color: true, verbose: false })).toContain('\u001b[31mHIGH (2)');
  });

  it('docs/checks.md is up to date with the check metadata (run: npm run build && npm run docs:checks)', () => {
    const onDisk = fs.readFileSync(path.join(__dirname, '../../docs/checks.md'), 'utf8');
    expect(onDisk).toBe(renderChecksDoc(CHECKS));
  });
});

describe('config reference', () => {
  it('docs/config.md is up to date with the config schema (run: npm run docs)', async () => {
    const { renderConfigDoc } = await import('../../agent/output/config-doc.js');
    expect(fs.readFileSync(path.join(__dirname, '../../docs/config.md'), 'utf8')).toBe(renderConfigDoc());
  });
});
