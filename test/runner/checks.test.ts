import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { judge } from '../../agent/core/judge.js';
import type { Facts } from '../../agent/core/facts.js';
import { runnerChecks } from '../../checks/runner/index.js';
import { RUNNER_RELEASES } from '../../checks/runner/runner-releases.js';
import { exposure } from '../../checks/runner/listen-address.js';
import { tokenKind } from '../../collectors/runner/tokens.js';
import { parseVersionOutput } from '../../collectors/runner/version.js';
import type { RunnerBinary } from '../../collectors/runner/types.js';
import { GROUP, GROUP_OBJ, MASK, OTHER, USER, USER_OBJ, setAcl } from '../helpers/acl.js';
import { FILE_ACCESS_MODES, withFileAccess } from '../helpers/file-access.js';
import type { SyntheticHost } from '../helpers/host.js';
import { IS_ROOT, runnerHost, scanRunner } from './harness.js';

let host: SyntheticHost | undefined;
afterEach(() => host?.cleanup());

async function factsFor(files: Parameters<typeof runnerHost>[0]): Promise<Facts> {
  host = runnerHost(files);
  return (await scanRunner(host)).facts;
}

/** Re-judges facts with another binary version: version-aware checks only read facts. */
function withVersion(facts: Facts, version: string | null): Facts {
  const binary: RunnerBinary = version
    ? { path: '/usr/bin/gitlab-runner', status: 'ok', version, revision: null, message: null }
    : { path: null, status: 'not-found', version: null, revision: null, message: null };
  return { ...facts, domains: { ...facts.domains, runner: { ...facts.domains.runner!, binary } } };
}

function findingsOf(facts: Facts, checkId: string) {
  return judge(facts, runnerChecks, []).findings.filter((f) => f.checkId === checkId);
}

const SSH = (setting: string) =>
  `[[runners]]\n  name = "ssh"\n  url = "https://gitlab.example.com/"\n  token = "glrt-SSHcheck000000000001"\n  executor = "ssh"\n  [runners.feature_flags]\n    FF_ENABLE_JOB_CLEANUP = true\n  [runners.ssh]\n    host = "build.internal"\n${setting}`;

describe('ssh-host-key-checking-disabled is version-aware', () => {
  it.each([
    ['unset', '', '19.3.0', 0],
    ['unset', '', null, 0],
    ['unset', '', '14.10.1', 1],
    ['false', '    disable_strict_host_key_checking = false\n', '14.10.1', 0],
    ['false', '    disable_strict_host_key_checking = false\n', '14.2.0', 1],
    ['true', '    disable_strict_host_key_checking = true\n', '19.3.0', 1],
  ])('setting %s on runner %s -> %i finding(s)', async (_label, setting, version, count) => {
    const facts = withVersion(await factsFor({ '/etc/gitlab-runner/config.toml': SSH(setting) }), version);
    expect(findingsOf(facts, 'ssh-host-key-checking-disabled')).toHaveLength(count);
  });
});

describe('runner-version-outdated', () => {
  const GOOD = '[[runners]]\n  name = "v"\n  url = "https://gitlab.example.com/"\n  token = "glrt-VERSIONcheck00000001"\n  executor = "docker"\n';
  const newest = RUNNER_RELEASES.minors[0].version;
  const oldestMaintained = RUNNER_RELEASES.minors[RUNNER_RELEASES.maintainedMinors - 1]!.version;
  const tooOld = RUNNER_RELEASES.minors[RUNNER_RELEASES.maintainedMinors]!.version;

  it.each([
    [`${newest}.0`, 'pass'],
    [`${oldestMaintained}.2`, 'pass'],
    [`${tooOld}.5`, 'fail'],
    ['16.11.0', 'fail'],
  ])('%s -> %s', async (version, status) => {
    const facts = withVersion(await factsFor({ '/etc/gitlab-runner/config.toml': GOOD }), version);
    const result = judge(facts, runnerChecks, []);
    expect(result.checks.find((c) => c.id === 'runner-version-outdated')?.status).toBe(status);
    if (status === 'fail') expect(findingsOf(facts, 'runner-version-outdated')[0]?.remediation).toContain(`${newest} or later`);
  });

  it('is not applicable when the version could not be read (not the live root)', async () => {
    host = runnerHost({ '/etc/gitlab-runner/config.toml': GOOD, '/usr/bin/gitlab-runner': { content: '#!/bin/sh\necho pwned\n', mode: 0o755 } });
    const { runner, result } = await scanRunner(host);
    expect(runner.binary).toMatchObject({ path: '/usr/bin/gitlab-runner', status: 'not-live', version: null });
    expect(result.checks.find((c) => c.id === 'runner-version-outdated')).toMatchObject({ status: 'not-applicable' });
  });

  it('parses --version output', () => {
    const output = 'Version:      17.11.3\nGit revision: 7e3c9b1d\nGit branch:   17-11-stable\nGO version:   go1.23.6\n';
    expect(parseVersionOutput(output)).toEqual({ version: '17.11.3', revision: '7e3c9b1d' });
    expect(parseVersionOutput('garbage')).toEqual({ version: null, revision: null });
  });
});

describe('runner-token-cloned', () => {
  const ONE = (token: string) => `[[runners]]\n  name = "a"\n  url = "https://gitlab.example.com/"\n  token = "${token}"\n  executor = "docker"\n`;

  it('finds one token used by runners in two config files', async () => {
    const facts = await factsFor({
      '/etc/gitlab-runner/config.toml': ONE('glrt-SHAREDtoken000000001'),
      '/root/.gitlab-runner/config.toml': ONE('glrt-SHAREDtoken000000001'),
    });
    const findings = findingsOf(facts, 'runner-token-cloned');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(/2 runner entries share one token \(fp1:[0-9a-f]{16}\)/);
    expect(findings[0]?.evidence).toContain('/root/.gitlab-runner/config.toml');
  });

  it('passes with distinct tokens and env references', async () => {
    const facts = await factsFor({
      '/etc/gitlab-runner/config.toml': ONE('glrt-DISTINCTtoken0000001') + ONE('$RUNNER_TOKEN').replace('name = "a"', 'name = "b"') + ONE('$RUNNER_TOKEN').replace('name = "a"', 'name = "c"'),
    });
    expect(findingsOf(facts, 'runner-token-cloned')).toEqual([]);
  });

  it('flags a .runner_system_id derived from another machine-id, not this one', async () => {
    const machineId = '0123456789abcdef0123456789abcdef';
    const { createHmac } = await import('node:crypto');
    const mine = `s_${createHmac('sha256', machineId).update('gitlab-runner').digest('hex').slice(0, 12)}`;
    const own = await factsFor({ '/etc/gitlab-runner/config.toml': ONE('glrt-SYSIDtoken0000000001'), '/etc/gitlab-runner/.runner_system_id': `${mine}\n` });
    expect(own.domains.runner?.configs[0]?.systemId).toMatchObject({ kind: 'machine', matchesMachineId: true });
    expect(findingsOf(own, 'runner-token-cloned')).toEqual([]);
    host?.cleanup();
    const copied = await factsFor({ '/etc/gitlab-runner/config.toml': ONE('glrt-SYSIDtoken0000000001'), '/etc/gitlab-runner/.runner_system_id': 's_aaaaaaaaaaaa\n' });
    expect(findingsOf(copied, 'runner-token-cloned')[0]?.message).toContain('copied from another host');
  });
});

describe.runIf(IS_ROOT)('config-toml-permissions', () => {
  const CONFIG = '[[runners]]\n  name = "perm"\n  url = "https://gitlab.example.com/"\n  token = "glrt-PERMtoken00000000001"\n  executor = "shell"\n';
  const UNIT = '[Service]\nExecStart=/usr/bin/gitlab-runner run --config /etc/gitlab-runner/config.toml --user gitlab-runner\n';

  it.each([
    ['root 0600 in a root 0700 dir', { mode: 0o600, uid: 0, gid: 0 }, 0o700, 0, []],
    ['world-readable', { mode: 0o644, uid: 0, gid: 0 }, 0o700, 0, ['other-read']],
    ['group-writable', { mode: 0o660, uid: 0, gid: 999 }, 0o700, 0, ['group-write', 'group-read']],
    ['readable through the job user\'s group', { mode: 0o640, uid: 0, gid: 998 }, 0o700, 0, ['group-read']],
    ['readable by a group the job user is not in', { mode: 0o640, uid: 0, gid: 1000 }, 0o700, 0, ['group-read']],
    ['owned by the job user', { mode: 0o600, uid: 999, gid: 999 }, 0o700, 0, ['job-user-owner']],
    ['owned by another user', { mode: 0o600, uid: 1000, gid: 1000 }, 0o700, 0, ['non-root-owner']],
    ['in a world-writable directory', { mode: 0o600, uid: 0, gid: 0 }, 0o777, 0, ['dir-write']],
    ['in a directory owned by the job user', { mode: 0o600, uid: 0, gid: 0 }, 0o700, 999, ['dir-job-user']],
  ])('%s', async (_label, file, dirMode, dirUid, keys) => {
    host = runnerHost({ '/etc/gitlab-runner/config.toml': { content: CONFIG, ...file }, '/etc/systemd/system/gitlab-runner.service': UNIT });
    fs.chmodSync(host.path('/etc/gitlab-runner'), dirMode);
    fs.chownSync(host.path('/etc/gitlab-runner'), dirUid, 0);
    const { result } = await scanRunner(host);
    const findings = result.findings.filter((f) => f.checkId === 'config-toml-permissions');
    expect(findings.map((f) => f.fingerprint).length).toBe(keys.length);
    for (const finding of findings) expect(finding.remediation).toBe('chown root:root /etc/gitlab-runner/config.toml && chmod 600 /etc/gitlab-runner/config.toml && chmod 700 /etc/gitlab-runner');
    if (keys.includes('job-user-owner')) expect(findings[0]).toMatchObject({ severity: 'critical', message: expect.stringContaining('owned by the job user gitlab-runner') });
    // gitlab-runner is a supplementary member of docker (gid 998) in the synthetic /etc/group.
    if (file.mode === 0o640 && file.gid === 998) expect(findings[0]).toMatchObject({ severity: 'high', message: expect.stringContaining('readable by the job user gitlab-runner through group docker') });
    if (file.mode === 0o640 && file.gid === 1000) expect(findings[0]).toMatchObject({ severity: 'medium', message: expect.stringContaining('readable by group u') });
  });

  describe.each(FILE_ACCESS_MODES)('ACLs (%s file access)', (mode) => {
    withFileAccess(mode);

    // Portable access sees only the mode, whose group bits are the ACL's mask (root's group here).
    const maskRw = ['critical', 'medium'];
    const maskR = ['medium'];
    it.each([
      ['the job user named in the ACL, read', [[USER, 4, 999], [MASK, 4]], ['high'], maskR, 'readable by the job user gitlab-runner through an ACL entry for user gitlab-runner'],
      ['a group the job user is in, read (docker, 998)', [[GROUP, 4, 998], [MASK, 4]], ['high'], maskR, 'through an ACL entry for group docker'],
      ['another account, read', [[USER, 4, 1000], [MASK, 4]], ['medium'], maskR, 'readable by user u through an ACL'],
      ['another account, write', [[USER, 6, 1000], [MASK, 6]], ['critical'], maskRw, 'writable by user u through an ACL'],
      ['a grant the mask takes away', [[USER, 6, 999], [MASK, 0]], [], [], ''],
    ] as const)('%s', async (_label, named, severities, portableSeverities, says) => {
      host = runnerHost({ '/etc/gitlab-runner/config.toml': { content: CONFIG, mode: 0o600, uid: 0, gid: 0 }, '/etc/systemd/system/gitlab-runner.service': UNIT });
      fs.chmodSync(host.path('/etc/gitlab-runner'), 0o700);
      const entries: [number, number, number?][] = [[USER_OBJ, 6], [GROUP_OBJ, 0], [OTHER, 0], ...named.map((e) => [...e] as [number, number, number?])];
      setAcl(host.path('/etc/gitlab-runner/config.toml'), entries);
      const { result } = await scanRunner(host);
      const findings = result.findings.filter((f) => f.checkId === 'config-toml-permissions');
      // Portable access cannot read ACLs: named grants are missed, and the mask reads as group bits.
      expect(findings.map((f) => f.severity)).toEqual(mode === 'native' ? [...severities] : [...portableSeverities]);
      if (mode === 'native' && says) {
        expect(findings[0]?.message).toContain(says);
        expect(findings[0]?.evidence).toContain('+acl ');
        expect(findings[0]?.remediation).toContain('setfacl -b /etc/gitlab-runner/config.toml');
      }
    });
  });
});

describe('small classifiers', () => {
  it.each([
    ['glrt-abcdefghij0123456789', 'glrt'],
    ['glrt-t3_FAKEFAKEFAKEFAKEFAKE', 'glrt'],
    ['acme-glrt-abcdefghij0123456789', 'glrt'],
    ['glrtr-abcdefghij0123456789', 'glrtr'],
    ['GR1348941abcdefghij0123456789', 'registration'],
    ['FAKEtoken0FAKEtoken0', 'legacy'],
    ['fa4efa4efa4efa4efa4efa4efa4efa', 'legacy'],
    ['${RUNNER_TOKEN}', 'env-reference'],
    ['$CI_SERVER_TOKEN', 'env-reference'],
    ['TOKEN', 'placeholder'],
    ['****', 'placeholder'],
    ['<your-token>', 'placeholder'],
    ['xxxxxxxx', 'placeholder'],
    ['short', 'unknown'],
  ])('token %s is %s', (token, kind) => {
    expect(tokenKind(token)).toBe(kind);
  });

  it.each([
    ['127.0.0.1:9252', 'loopback'],
    ['localhost:9252', 'loopback'],
    ['[::1]:9252', 'loopback'],
    [':9252', 'all-interfaces'],
    ['0.0.0.0:9252', 'all-interfaces'],
    ['[::]:8093', 'all-interfaces'],
    ['10.1.2.3:9252', 'specific'],
    ['runner.example.com', 'specific'],
  ])('listen address %s is %s', (address, where) => {
    expect(exposure(address)).toBe(where);
  });
});
