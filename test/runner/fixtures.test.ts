import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyntheticHost } from '../helpers/host.js';
import { runnerChecks } from '../../checks/runner/index.js';
import { IS_ROOT, failingChecks, runnerHost, scanRunner } from './harness.js';

const FIXTURES = 'test/fixtures/runner';

/**
 * Each config, installed as /etc/gitlab-runner/config.toml (root, 0600, in a 0700 dir), and the exact set of
 * checks that must fail on it. Permissions are right in every fixture, so config-toml-permissions stays silent
 * when the suite runs as root; as another user the files are not root-owned and that check rightly fails too.
 */
const CASES: [file: string, failing: string[]][] = [
  ['shell-executor.toml', ['shell-executor-in-use']],
  ['shell-git-fetch.toml', ['git-strategy-fetch', 'job-cleanup-disabled', 'shell-executor-in-use']],
  ['docker-hardened.toml', []],
  ['docker-privileged.toml', ['docker-privileged-build', 'docker-privileged-services']],
  ['docker-privileged-allowlist.toml', ['docker-privileged-build']],
  ['docker-pull-policy-string.toml', ['pull-policy-if-not-present']],
  ['docker-pull-policy-array.toml', ['pull-policy-if-not-present']],
  ['docker-allowed-pull-policies.toml', ['pull-policy-if-not-present']],
  ['docker-cap-add.toml', ['dangerous-capabilities', 'docker-root-no-hardening']],
  ['docker-security-opt-unconfined.toml', ['security-profile-disabled']],
  ['docker-host-namespaces.toml', ['host-namespaces']],
  ['docker-devices.toml', ['host-devices-exposed']],
  ['docker-volumes.toml', ['docker-socket-in-volumes', 'sensitive-host-path-mounts']],
  ['docker-machine-reuse.toml', ['autoscaled-vm-reuse', 'docker-privileged-build', 'docker-privileged-services', 'plaintext-secrets-in-config']],
  ['docker-autoscaler-reuse.toml', ['autoscaled-vm-reuse']],
  ['docker-machine-single-use.toml', ['docker-privileged-build', 'docker-privileged-services', 'pull-policy-if-not-present']],
  ['ssh-no-host-key-check.toml', ['plaintext-secrets-in-config', 'ssh-host-key-checking-disabled']],
  ['kubernetes-defaults.toml', ['docker-privileged-build', 'docker-socket-in-volumes', 'pull-policy-if-not-present']],
  ['custom-pre-clone-script.toml', ['config-ineffective-keys']],
  ['case-variant-keys.toml', ['docker-privileged-build', 'docker-privileged-services', 'pull-policy-if-not-present']],
  ['misplaced-keys.toml', ['config-ineffective-keys']],
  ['plaintext-secrets.toml', ['plaintext-secrets-in-config']],
  ['network-exposure.toml', ['metrics-listen-exposed', 'runner-insecure-transport', 'session-server-exposed']],
  ['loopback-listeners.toml', []],
  ['cloned-runner.toml', ['runner-token-cloned']],
  ['syntax-error.toml', ['runner-config-unreadable']],
  ['duplicate-keys.toml', ['runner-config-unreadable']],
];

let host: SyntheticHost | undefined;
afterEach(() => host?.cleanup());

async function judgeFixture(file: string) {
  host = runnerHost({ '/etc/gitlab-runner/config.toml': fs.readFileSync(`${FIXTURES}/${file}`) });
  return scanRunner(host);
}

describe('runner config fixtures: exact failing checks', () => {
  it('covers every fixture file', () => {
    const files = fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.toml'));
    expect(files.sort()).toEqual(CASES.map(([file]) => file).sort());
  });

  it('makes every runner check fail on some fixture (permissions and version are judged in checks.test.ts)', () => {
    const covered = new Set(CASES.flatMap(([, failing]) => failing));
    const uncovered = runnerChecks.map((check) => check.meta.id).filter((id) => !covered.has(id));
    expect(uncovered).toEqual(['config-toml-permissions', 'runner-version-outdated']);
  });

  it.each(CASES)('%s', async (file, failing) => {
    const { result } = await judgeFixture(file);
    const expected = IS_ROOT ? failing : [...new Set([...failing, 'config-toml-permissions'])].sort();
    expect(failingChecks(result)).toEqual(expected);
    for (const finding of result.findings) {
      // Every finding points at the config file and says what to change.
      expect(`${finding.subject.id} ${finding.message}`).toContain('/etc/gitlab-runner/config.toml');
      expect(finding.remediation.length).toBeGreaterThan(10);
      if (finding.subject.kind === 'runner' && finding.checkId !== 'config-ineffective-keys') {
        expect(finding.runner).toMatchObject({ name: expect.any(String), configPath: '/etc/gitlab-runner/config.toml' });
      }
    }
  });
});

describe('what the fixtures show in detail', () => {
  it('names the runner by name and token fingerprint, never the token', async () => {
    const { result } = await judgeFixture('docker-privileged.toml');
    const finding = result.findings.find((f) => f.checkId === 'docker-privileged-build');
    expect(finding?.runner).toMatchObject({ name: 'docker-any-priv', configPath: '/etc/gitlab-runner/config.toml' });
    expect(finding?.runner?.id).toMatch(/^fp1:[0-9a-f]{16}$/);
    expect(finding?.message).toContain(finding?.runner?.id as string);
    expect(finding?.severity).toBe('critical');
    expect(JSON.stringify(result)).not.toContain('DOCKERtoken000000009');
  });

  it('reads pull_policy as a string and as an array, lower-cased, with the runner default', async () => {
    const string = (await judgeFixture('docker-pull-policy-string.toml')).runner.configs[0]?.runners[0]?.docker;
    expect(string?.pullPolicy).toEqual(['if-not-present']);
    const array = (await judgeFixture('docker-pull-policy-array.toml')).runner.configs[0]?.runners[0]?.docker;
    expect(array?.effectivePullPolicies).toEqual(['always', 'if-not-present']);
    expect(array?.effectiveAllowedPullPolicies).toEqual(['always', 'if-not-present']);
    const hardened = (await judgeFixture('docker-hardened.toml')).runner.configs[0]?.runners[0]?.docker;
    expect(hardened?.effectivePullPolicies).toEqual(['always']);
  });

  it('matches keys case-insensitively as the runner does', async () => {
    const { runner } = await judgeFixture('case-variant-keys.toml');
    const entry = runner.configs[0]?.runners[0];
    expect(entry).toMatchObject({ name: 'mixed-case', executor: 'docker', url: { scheme: 'https' } });
    expect(entry?.docker).toMatchObject({ privileged: true, pullPolicy: ['if-not-present'] });
    expect(runner.configs[0]?.concurrent).toBe(1);
    expect(runner.configs[0]?.ineffectiveKeys).toEqual([]);
  });

  it('records misplaced, registration-only and misspelled keys with their lines, and judges only effective ones', async () => {
    const { runner, result } = await judgeFixture('misplaced-keys.toml');
    const keys = runner.configs[0]?.ineffectiveKeys.map((k) => [k.table, k.key, k.reason, k.line]);
    expect(keys).toEqual(
      expect.arrayContaining([
        ['runners[0]', 'protected', 'registration-only', 8],
        ['runners[0]', 'network_mode', 'misplaced', 9],
        ['runners[0]', 'cap_drop', 'misplaced', 10],
        ['runners[0].docker', 'executor', 'misplaced', 17],
        ['runners[0].docker', 'privilaged', 'unknown', 18],
      ]),
    );
    // network_mode outside [runners.docker] does nothing, so no host-namespaces finding.
    expect(runner.configs[0]?.runners[0]?.docker?.networkMode).toBeNull();
    const messages = result.findings.filter((f) => f.checkId === 'config-ineffective-keys').map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('config.toml:8: protected in [[runners]] has no effect'),
        expect.stringContaining('config.toml:9: network_mode in [[runners]] has no effect: it belongs in runners.docker.network_mode'),
        expect.stringContaining('misspelling of privileged'),
      ]),
    );
  });

  it('treats pre_clone_script as ignored (runner >= 17.0 assumed when the version is unknown)', async () => {
    const { result } = await judgeFixture('custom-pre-clone-script.toml');
    const finding = result.findings.find((f) => f.checkId === 'config-ineffective-keys');
    expect(finding?.message).toMatch(/pre_clone_script in \[\[runners\]\] has no effect: it was removed/);
    expect(finding?.remediation).toContain('pre_get_sources_script');
  });

  it('reports a syntax error with file and line, and no source text', async () => {
    const { runner, result } = await judgeFixture('syntax-error.toml');
    expect(runner.errors).toEqual([
      expect.objectContaining({ path: '/etc/gitlab-runner/config.toml', kind: 'syntax', line: expect.any(Number) }),
    ]);
    expect(runner.errors[0]?.line).toBeGreaterThanOrEqual(6);
    const finding = result.findings.find((f) => f.checkId === 'runner-config-unreadable');
    expect(finding?.message).toMatch(/^\/etc\/gitlab-runner\/config\.toml:\d+(:\d+)?: TOML syntax error/);
    expect(JSON.stringify({ runner, result })).not.toContain('SYNTAXtoken');
  });

  it('reports duplicate keys as such, naming the line', async () => {
    const { runner } = await judgeFixture('duplicate-keys.toml');
    expect(runner.errors).toEqual([expect.objectContaining({ kind: 'duplicate-key', line: 8 })]);
    expect(JSON.stringify(runner)).not.toContain('DUPLICATEtoken');
  });

  it('knows the severity context: restricted privileged images are medium, docker socket on a single-use VM is high', async () => {
    const allowlisted = (await judgeFixture('docker-privileged-allowlist.toml')).result.findings;
    expect(allowlisted.find((f) => f.checkId === 'docker-privileged-build')?.severity).toBe('medium');
    const machine = (await judgeFixture('docker-machine-reuse.toml')).result.findings;
    expect(machine.find((f) => f.checkId === 'autoscaled-vm-reuse')).toMatchObject({ severity: 'high', message: expect.stringContaining('unlimited') });
    const singleUse = (await judgeFixture('docker-machine-single-use.toml')).result.findings;
    expect(singleUse.map((f) => [f.checkId, f.severity]).sort()).toEqual([
      ['docker-privileged-build', 'high'],
      ['docker-privileged-services', 'high'],
      ['pull-policy-if-not-present', 'low'],
    ]);
    const volumes = (await judgeFixture('docker-volumes.toml')).result.findings;
    const mounts = volumes.filter((f) => f.checkId === 'sensitive-host-path-mounts').map((f) => [f.message.replace(/^.*: /, ''), f.severity]);
    expect(mounts).toEqual(
      expect.arrayContaining([
        ['host path / is mounted read-only into every job', 'high'],
        ['host path /root/.ssh is mounted read-write into every job', 'critical'],
        ['host directory /srv/shared-cache is shared read-write by every job of every project', 'medium'],
      ]),
    );
    expect(mounts).toHaveLength(3);
  });

  it('keeps env-referenced tokens as references, not secrets', async () => {
    const { runner } = await judgeFixture('loopback-listeners.toml');
    expect(runner.configs[0]?.runners[0]?.token).toEqual({ kind: 'env-reference', fingerprint: null, shortTokenFingerprints: [], envVariable: 'RUNNER_TOKEN', obtainedAt: null, expiresAt: null });
    expect(runner.configs[0]?.listenAddress).toBe('127.0.0.1:9252');
  });
});
