import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { noShellRunner, runnerRef, SHELL_EXECUTOR_REFERENCES, shellRunners } from './common.js';

export const shellJobsAsRoot = defineCheck({
  meta: {
    id: 'shell-jobs-as-root',
    title: 'Shell jobs run as root',
    severity: 'critical',
    category: 'executor',
    rationale:
      'The shell executor runs job scripts directly on the host as the runner\'s --user, or as the runner process\'s own user when --user is missing. As root, every job of every project can read all secrets on the host, change the runner\'s config and persist anything.',
    remediation: 'Run the service with --user gitlab-runner (an unprivileged account without sudo or docker group), or move the runner to an isolating executor.',
    gitlabSection: 'shell-executor',
    references: SHELL_EXECUTOR_REFERENCES,
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    const runners = shellRunners(system);
    if (runners.length === 0) return noShellRunner();
    const rootNames = new Set(system.jobUsers.filter((u) => u.uid === 0).map((u) => u.name));
    return findingsOrPass(
      runners
        .filter((runner) => runner.jobUser !== null && rootNames.has(runner.jobUser))
        .map((runner) => {
          const user = system.jobUsers.find((u) => u.name === runner.jobUser);
          const how = user?.source === 'runner-user-flag' ? `--user ${runner.jobUser}` : `no --user, and the runner process runs as ${runner.runnerRunsAsRoot === false ? runner.jobUser : 'root'}`;
          return {
            subject: { kind: 'runner' as const, id: `${runner.configPath}#${runner.id ?? runner.name}`, label: runner.name },
            runner: runnerRef(runner),
            message: `shell runner "${runner.name}" runs its jobs as ${runner.jobUser} (uid 0)`,
            evidence: `${how}; executor = "shell" in ${runner.configPath}`,
            remediation: 'Pass --user gitlab-runner to "gitlab-runner run" (systemd ExecStart) and make sure that account has no sudo rights or docker group.',
          };
        }),
    );
  },
});
