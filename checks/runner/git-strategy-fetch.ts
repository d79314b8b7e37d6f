import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { RunnerEntry } from '../../collectors/runner/types.js';
import { judgeRunners, runnerFinding, singleUseVm, usesDocker } from './common.js';

/** How long a working copy outlives its job with this executor. */
function reuse(runner: RunnerEntry): { severity: Severity; where: string } | null {
  if (runner.executor === 'shell' || runner.executor === 'ssh' || runner.executor === 'custom') {
    return { severity: 'high', where: `the builds directory${runner.effectiveBuildsDir ? ` ${runner.effectiveBuildsDir}` : ''} on the host` };
  }
  if (usesDocker(runner) && !runner.docker?.disableCache && !singleUseVm(runner)) return { severity: 'medium', where: 'persistent Docker build volumes' };
  return null;
}

export const gitStrategyFetch = defineCheck({
  meta: {
    id: 'git-strategy-fetch',
    title: 'GIT_STRATEGY=fetch set as the runner default',
    severity: 'high',
    category: 'build-dirs',
    rationale:
      'With GIT_STRATEGY=fetch a job reuses the working copy an earlier job left. Any job with access to that copy can plant code (hooks, config, modified files) that runs in the next pipeline, including other users\' pipelines, and submodule contents stay in .git for later jobs to recover.',
    remediation: 'Remove GIT_STRATEGY=fetch from environment (or set GIT_STRATEGY=clone) on runners shared by users or projects who do not trust each other; pin FF_ENABLE_JOB_CLEANUP = true and clean_git_config = true.',
    gitlabSection: 'git-strategy-fetch',
    references: [{ title: 'Git strategy', url: 'https://docs.gitlab.com/ci/runners/configure_runners/#git-strategy' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        if (at.runner.gitStrategy !== 'fetch') return [];
        const kept = reuse(at.runner);
        if (!kept) return [];
        return [
          runnerFinding(at, {
            message: `environment sets GIT_STRATEGY=fetch, so jobs reuse working copies kept in ${kept.where}`,
            evidence: '[[runners]] environment contains "GIT_STRATEGY=fetch"',
            severity: kept.severity,
            remediation: 'Remove "GIT_STRATEGY=fetch" from environment (or use "GIT_STRATEGY=clone") and pin FF_ENABLE_JOB_CLEANUP = true in [runners.feature_flags].',
          }),
        ];
      }),
    );
  },
});
