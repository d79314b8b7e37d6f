import { defineCheck } from '../../agent/core/check.js';
import { compareVersions, judgeRunners, runnerFinding, runnerVersion } from './common.js';

// Executors that log in over SSH with [runners.ssh].
const SSH_EXECUTORS = new Set(['ssh', 'virtualbox', 'parallels']);

export const sshHostKeyCheckingDisabled = defineCheck({
  meta: {
    id: 'ssh-host-key-checking-disabled',
    title: 'SSH executor does not verify host keys',
    severity: 'high',
    category: 'executor',
    rationale:
      'Without host key verification, whoever answers on the SSH target address receives every job: its sources, CI/CD variables and the SSH credentials. disable_strict_host_key_checking = true turns verification off; before runner 15.0 it was off unless explicitly set to false, and before 14.3 it did not exist.',
    remediation: 'Remove disable_strict_host_key_checking (or set it to false) and pin the target host key in known_hosts_file; upgrade runners older than 15.0.',
    gitlabSection: 'ssh-executor',
    references: [{ title: 'SSH executor: strict host key checking', url: 'https://docs.gitlab.com/runner/executors/ssh/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const version = runnerVersion(facts.domains.runner);
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        if (!runner.executor || !SSH_EXECUTORS.has(runner.executor)) return [];
        const setting = runner.ssh?.disableStrictHostKeyChecking ?? null;
        const target = runner.ssh?.host ?? 'the SSH target';
        // VM executors talk to a local VM: a MITM needs a foothold on this host already.
        const severity = runner.executor === 'ssh' ? 'high' : 'medium';
        if (setting === true) {
          return [
            runnerFinding(at, {
              message: `host key checking is disabled for ${target}`,
              evidence: '[runners.ssh] disable_strict_host_key_checking = true',
              severity,
              remediation: 'Set disable_strict_host_key_checking = false in [runners.ssh] and put the host key of the target in known_hosts_file.',
            }),
          ];
        }
        if (version && compareVersions(version, '14.3.0') < 0) {
          return [
            runnerFinding(at, {
              message: `runner ${version} never verifies SSH host keys`,
              evidence: `gitlab-runner ${version} (< 14.3); executor = "${runner.executor}"`,
              severity,
              remediation: 'Upgrade gitlab-runner to a maintained release and pin the host key in known_hosts_file.',
            }),
          ];
        }
        if (version && compareVersions(version, '15.0.0') < 0 && setting === null) {
          return [
            runnerFinding(at, {
              message: `runner ${version} skips host key checking when disable_strict_host_key_checking is unset`,
              evidence: `gitlab-runner ${version} (< 15.0); [runners.ssh] disable_strict_host_key_checking unset`,
              severity,
              remediation: 'Set disable_strict_host_key_checking = false in [runners.ssh] and upgrade gitlab-runner.',
            }),
          ];
        }
        return [];
      }),
    );
  },
});
