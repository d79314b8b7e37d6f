import { defineCheck } from '../../agent/core/check.js';
import { describeRunner, judgeRunners, runnerFinding } from './common.js';

export const shellExecutorInUse = defineCheck({
  meta: {
    id: 'shell-executor-in-use',
    title: 'Shell executor runs job scripts directly on the host',
    severity: 'high',
    category: 'executor',
    rationale:
      'With the shell executor every job runs as one local account on the runner host, with no container or VM in between: a job can read the sources, caches and credentials other projects left on the host, and tamper with later jobs. Running that account as root hands the host to every job.',
    remediation:
      'Use an isolating executor (docker without privileged mode, docker-autoscaler or instance with max_use_count = 1, kubernetes). If shell is unavoidable, dedicate the host to one trusted project and run jobs as an unprivileged user (gitlab-runner install --user gitlab-runner).',
    gitlabSection: 'shell-executor',
    references: [{ title: 'The Shell executor: security', url: 'https://docs.gitlab.com/runner/executors/shell/#security' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners
        .filter(({ runner }) => runner.executor === 'shell')
        .map((at) => {
          const { execution } = at.config;
          if (execution.jobsRunAsRoot) {
            const how = execution.jobUser ? `--user ${execution.jobUser}` : 'the runner process runs as root and has no --user';
            return runnerFinding(at, {
              message: `shell executor and jobs run as root (${how})`,
              evidence: `executor = "shell"; ${execution.source} ${how}`,
              severity: 'critical',
              remediation: `Reinstall the service so jobs run unprivileged (gitlab-runner install --user gitlab-runner --working-directory /home/gitlab-runner), then move ${describeRunner(at)} to an isolating executor such as docker.`,
            });
          }
          const user = execution.effectiveJobUser ? ` as ${execution.effectiveJobUser}` : '';
          return runnerFinding(at, {
            message: `shell executor: jobs run directly on the host${user}`,
            evidence: `executor = "shell"${execution.jobUser ? `; --user ${execution.jobUser}` : ''}`,
            remediation: `Set executor = "docker" (or another isolating executor) for ${describeRunner(at)}, or keep it only for one trusted project.`,
          });
        }),
    );
  },
});
