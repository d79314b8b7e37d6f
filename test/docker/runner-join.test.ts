import { describe, expect, it } from 'vitest';
import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import { dockerPrivilegedContainer } from '../../checks/docker/docker-privileged-container.js';
import { shortTokenFingerprints } from '../../collectors/runner/tokens.js';
import { dockerFacts, jobContainer, jobLabels, run, snapshot } from './builders.js';
import { runnerEntry, runnerFacts } from './runner-builders.js';

describe('job containers joined to their config.toml runner', () => {
  it.each([
    ['glrt- token, 9 characters after the prefix', 'glrt-t1_xY9zAbCd1QQQQQQQQQQQ', 'xY9zAbCd1'],
    ['glrtr- token', 'glrtr-xY9zAbCd1RRRRRRRRRR', 'xY9zAbCd1'],
    ['legacy token, 8 characters (older runners)', 'xY9zAbCdLEGACY000000', 'xY9zAbCd'],
    ['legacy token, 9 characters (current runners)', 'xY9zAbCd1LEGACY00000', 'xY9zAbCd1'],
  ])('%s', (_name, token, label) => {
    expect(shortTokenFingerprints(token)).toContain(secretFingerprint(label));
  });

  it('names the runner, its token fingerprint and config path in job findings', () => {
    const entry = runnerEntry({ name: 'shared-docker', token: { kind: 'glrt', fingerprint: 'fp1:1111111111111111', shortTokenFingerprints: shortTokenFingerprints('glrt-xY9zAbCd1ZZZZZZZZZZ'), envVariable: null, obtainedAt: null, expiresAt: null } });
    const facts = snapshot({ docker: dockerFacts({ containers: [jobContainer({ privileged: true, job: jobLabels({ runnerShortToken: 'xY9zAbCd1' }) })] }), runner: runnerFacts([entry]) });
    const [finding] = run(dockerPrivilegedContainer, facts).findings;
    expect(finding?.message).toBe('job 1234 of project 42 on runner "shared-docker" (xY9zAbCd1) runs privileged');
    expect(finding?.runner).toEqual({ name: 'shared-docker', id: 'fp1:1111111111111111', configPath: expect.stringMatching(/config\.toml$/) });
  });

  it('falls back to the short token when no configured runner matches', () => {
    const facts = snapshot({ docker: dockerFacts({ containers: [jobContainer({ privileged: true })] }), runner: runnerFacts([runnerEntry()]) });
    expect(run(dockerPrivilegedContainer, facts).findings[0]?.runner).toEqual({ name: 'runner xY9zAbCd1', id: null });
  });
});
