import { defineCheck } from '../../agent/core/check.js';
import { judgeRunners, runnerFinding } from './common.js';
import { isRuntimeSocket, parseBind } from './volumes.js';

export const autoscaledVmReuse = defineCheck({
  meta: {
    id: 'autoscaled-vm-reuse',
    title: 'Autoscaled VMs reused across jobs',
    severity: 'medium',
    category: 'executor',
    rationale:
      'docker+machine and docker-autoscaler create VMs to run jobs. With MaxBuilds or max_use_count other than 1 (0 means unlimited) a VM serves many jobs, so whatever one job left behind, or broke out to with privileged mode, waits for the next job of any project.',
    remediation: 'Set MaxBuilds = 1 in [runners.machine] or max_use_count = 1 in [runners.autoscaler] (and capacity_per_instance = 1) for runners that serve untrusted jobs.',
    gitlabSection: 'docker-executor',
    references: [{ title: 'Usage of Docker executor (MaxBuilds = 1)', url: 'https://docs.gitlab.com/runner/security/#usage-of-docker-executor' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        const breakout = runner.docker?.privileged === true || (runner.docker?.volumes ?? []).some((v) => {
          const bind = parseBind(v);
          return bind !== null && isRuntimeSocket(bind.source);
        });
        const why = breakout ? ' and jobs can take the VM over (privileged or docker socket)' : '';
        if (runner.executor === 'docker+machine') {
          const max = runner.machine?.maxBuilds ?? 0;
          if (max === 1) return [];
          return [
            runnerFinding(at, {
              message: `each VM runs ${max === 0 ? 'an unlimited number of' : max} jobs${why}`,
              evidence: `[runners.machine] MaxBuilds = ${max === 0 ? '0 or unset (unlimited)' : max}${runner.docker?.privileged ? '; [runners.docker] privileged = true' : ''}`,
              severity: breakout ? 'high' : 'medium',
              remediation: 'Set MaxBuilds = 1 in [runners.machine].',
            }),
          ];
        }
        if (runner.executor === 'docker-autoscaler' || runner.executor === 'instance') {
          const max = runner.autoscaler?.maxUseCount ?? 0;
          if (max === 1) return [];
          return [
            runnerFinding(at, {
              message: `each instance runs ${max === 0 ? 'an unlimited number of' : max} jobs${why}`,
              evidence: `[runners.autoscaler] max_use_count = ${max === 0 ? '0 or unset (unlimited)' : max}${runner.docker?.privileged ? '; [runners.docker] privileged = true' : ''}`,
              severity: breakout ? 'high' : 'medium',
              remediation: 'Set max_use_count = 1 (and capacity_per_instance = 1) in [runners.autoscaler].',
            }),
          ];
        }
        return [];
      }),
    );
  },
});
