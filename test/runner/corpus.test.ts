import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenKind } from '../../collectors/runner/types.js';
import type { SyntheticHost } from '../helpers/host.js';
import { IS_ROOT, failingChecks, runnerHost, scanRunner } from './harness.js';

/**
 * 22 real-world config.toml files (see SOURCES.md: public repositories, secrets replaced by fakes),
 * each parsed as /etc/gitlab-runner/config.toml: how the runner reads it and what must be reported.
 */
const CORPUS = 'test/fixtures/runner/corpus';

interface Expected {
  runners: [executor: string | null, token: TokenKind | null][];
  ineffective: string[];
  failing: string[];
}

const CASES: Record<string, Expected> = {
  '01-gitlab-runner-example-shell-docker-ssh.toml': {
    runners: [['shell', 'placeholder'], ['docker', 'placeholder'], ['ssh', 'placeholder']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'job-cleanup-disabled', 'plaintext-secrets-in-config', 'shell-executor-in-use'],
  },
  '02-docker-machine-privileged-maxbuilds-100.toml': {
    runners: [['docker+machine', 'placeholder']],
    ineffective: [],
    failing: ['autoscaled-vm-reuse', 'docker-privileged-build', 'docker-privileged-services'],
  },
  '03-shell-legacy-tls-skip-verify-ci-url.toml': {
    runners: [['shell', 'legacy']],
    ineffective: ['runners[0]/tls-skip-verify:removed'],
    failing: ['job-cleanup-disabled', 'runner-insecure-transport', 'shell-executor-in-use'],
  },
  '04-executor-key-misplaced-network-host.toml': {
    runners: [[null, null]],
    ineffective: ['runners[0].docker/executor:misplaced'],
    failing: ['config-ineffective-keys'],
  },
  '05-shell-gitlab-com-legacy-token.toml': {
    runners: [['shell', 'legacy']],
    ineffective: ['runners[0].cache/Insecure:removed'],
    failing: ['job-cleanup-disabled', 'shell-executor-in-use'],
  },
  '06-docker-sock-and-host-dirs.toml': {
    runners: [['docker', 'legacy']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'docker-socket-in-volumes', 'runner-insecure-transport', 'sensitive-host-path-mounts'],
  },
  '07-three-runners-if-not-present-docker-sock.toml': {
    runners: [['docker', 'legacy'], ['docker', 'legacy'], ['docker', 'legacy']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'docker-socket-in-volumes', 'pull-policy-if-not-present'],
  },
  '08-privileged-dind-tls-s3-cache.toml': {
    runners: [['docker', 'placeholder']],
    ineffective: [],
    failing: ['docker-privileged-build', 'docker-privileged-services', 'plaintext-secrets-in-config'],
  },
  '09-glrt-privileged-docker-sock-host-network.toml': {
    runners: [['docker', 'glrt']],
    ineffective: [],
    failing: ['docker-privileged-build', 'docker-privileged-services', 'docker-socket-in-volumes', 'host-namespaces', 'pull-policy-if-not-present', 'runner-insecure-transport'],
  },
  '10-docker-autoscaler-listen-all-interfaces.toml': {
    runners: [['docker-autoscaler', 'placeholder']],
    ineffective: [],
    failing: ['docker-privileged-build', 'docker-privileged-services', 'metrics-listen-exposed'],
  },
  '11-custom-executor-pre-clone-job-token.toml': {
    runners: [['custom', 'placeholder']],
    ineffective: ['runners[0].custom/run_exec_timeout:unknown', 'runners[0]/pre_clone_script:removed'],
    failing: ['config-ineffective-keys', 'job-cleanup-disabled'],
  },
  '12-docker-cap-add-mknod.toml': {
    runners: [['docker', null]],
    ineffective: [],
    failing: ['dangerous-capabilities', 'docker-root-no-hardening'],
  },
  '13-privileged-docker-sock-home-mounts.toml': {
    runners: [['docker', 'placeholder']],
    ineffective: [],
    failing: ['docker-privileged-build', 'docker-privileged-services', 'docker-socket-in-volumes', 'sensitive-host-path-mounts'],
  },
  '14-shell-and-docker-two-runners.toml': {
    runners: [['shell', 'legacy'], ['docker', 'legacy']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'job-cleanup-disabled', 'runner-insecure-transport', 'shell-executor-in-use'],
  },
  '15-kubernetes-stub-legacy-keys.toml': {
    runners: [['docker', 'legacy']],
    ineffective: ['runners[0].kubernetes/cpus:removed', 'runners[0].kubernetes/memory:removed', 'runners[0].kubernetes/service_cpus:removed', 'runners[0].kubernetes/service_memory:removed'],
    failing: ['docker-root-no-hardening', 'runner-insecure-transport'],
  },
  '16-shared-if-not-present-docker-sock.toml': {
    runners: [['docker', 'legacy'], ['docker', 'legacy']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'docker-socket-in-volumes', 'pull-policy-if-not-present', 'runner-insecure-transport'],
  },
  '17-shell-registration-keys-ignored.toml': {
    runners: [['shell', 'placeholder']],
    ineffective: ['runners[0]/locked:registration-only', 'runners[0]/protected:registration-only', 'runners[0]/run_untagged:registration-only', 'runners[0]/tag_list:registration-only'],
    failing: ['config-ineffective-keys', 'job-cleanup-disabled', 'shell-executor-in-use'],
  },
  '18-docker-auth-config-in-environment.toml': {
    runners: [['docker', 'legacy']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'plaintext-secrets-in-config', 'runner-insecure-transport'],
  },
  '19-pre-clone-sslverify-false.toml': {
    runners: [['docker', 'legacy']],
    ineffective: ['runners[0]/pre_clone_script:removed'],
    failing: ['config-ineffective-keys', 'docker-root-no-hardening', 'runner-insecure-transport', 'sensitive-host-path-mounts'],
  },
  '20-glrt-if-not-present-docker-sock.toml': {
    runners: [['docker', 'glrt']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'docker-socket-in-volumes', 'pull-policy-if-not-present', 'runner-insecure-transport'],
  },
  '21-lint-testdata-kubernetes-wrong-section.toml': {
    runners: [['kubernetes', 'placeholder']],
    ineffective: ['/runner:unknown'],
    failing: ['pull-policy-if-not-present'],
  },
  '22-docker-network-mode-host.toml': {
    runners: [['docker', 'legacy']],
    ineffective: [],
    failing: ['docker-root-no-hardening', 'host-namespaces', 'runner-insecure-transport'],
  },
};

let host: SyntheticHost | undefined;
afterEach(() => host?.cleanup());

async function judgeCorpus(file: string) {
  host = runnerHost({ '/etc/gitlab-runner/config.toml': fs.readFileSync(`${CORPUS}/${file}`) });
  return scanRunner(host);
}

describe('real-world runner configs', () => {
  it('covers every file listed in SOURCES.md', () => {
    const listed = [...fs.readFileSync(`${CORPUS}/SOURCES.md`, 'utf8').matchAll(/^\| (\d\d-[^ |]+\.toml) \|/gm)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(Object.keys(CASES)));
    expect(fs.readdirSync(CORPUS).filter((f) => f.endsWith('.toml')).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('%s', async (file, expected) => {
    const { runner, result } = await judgeCorpus(file);
    expect(runner.errors).toEqual([]);
    const config = runner.configs[0];
    expect(config?.status).toBe('ok');
    expect(config?.runners.map((r) => [r.executor, r.token?.kind ?? null])).toEqual(expected.runners);
    expect(config?.ineffectiveKeys.map((k) => `${k.table}/${k.key}:${k.reason}`).sort()).toEqual([...expected.ineffective].sort());
    const failing = IS_ROOT ? expected.failing : [...new Set([...expected.failing, 'config-toml-permissions'])].sort();
    expect(failingChecks(result)).toEqual(failing);
  });

  it('spots the doc\'s shared-runner anti-pattern per runner (16: if-not-present and docker.sock on both runners)', async () => {
    const { result } = await judgeCorpus('16-shared-if-not-present-docker-sock.toml');
    const perRunner = (id: string) => result.findings.filter((f) => f.checkId === id).map((f) => f.runner?.id);
    expect(new Set(perRunner('pull-policy-if-not-present')).size).toBe(2);
    expect(new Set(perRunner('docker-socket-in-volumes')).size).toBe(2);
  });

  it('reads metrics exposure and the autoscaler settings of 10 as the runner does', async () => {
    const { runner, result } = await judgeCorpus('10-docker-autoscaler-listen-all-interfaces.toml');
    expect(runner.configs[0]?.listenAddress).toBe(':9252');
    expect(runner.configs[0]?.runners[0]?.autoscaler?.maxUseCount).toBe(1);
    expect(result.findings.find((f) => f.checkId === 'metrics-listen-exposed')?.remediation).toContain('127.0.0.1:9252');
    // Privileged, but on single-use VMs as GitLab advises: the VM, not a shared host, is at stake.
    expect(result.findings.find((f) => f.checkId === 'docker-privileged-build')).toMatchObject({ severity: 'high', message: expect.stringContaining('single-use autoscaled VMs') });
  });

  it('keeps the registry credential of 18 out of facts and findings', async () => {
    const { runner, result } = await judgeCorpus('18-docker-auth-config-in-environment.toml');
    const everything = JSON.stringify({ runner, result });
    expect(everything).not.toContain('ZmFrZTpmYWtlcGFzc3dvcmQx');
    expect(everything).not.toContain('FAKEtoken0FAKEtoken0');
    expect(runner.configs[0]?.runners[0]?.token?.obtainedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(runner.configs[0]?.runners[0]?.token?.expiresAt).toBeNull();
  });
});
