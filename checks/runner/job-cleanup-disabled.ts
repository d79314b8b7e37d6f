import { defineCheck } from '../../agent/core/check.js';
import type { RunnerEntry } from '../../collectors/runner/types.js';
import { judgeRunners, runnerFinding } from './common.js';

/** Executors whose jobs run on a long-lived machine, leaving build directories behind. */
function isStaticHost(runner: RunnerEntry): boolean {
  if (runner.executor === 'shell' || runner.executor === 'ssh' || runner.executor === 'custom') return true;
  return runner.executor === 'instance' && (runner.autoscaler?.maxUseCount ?? 0) !== 1;
}

export const jobCleanupDisabled = defineCheck({
  meta: {
    id: 'job-cleanup-disabled',
    title: 'Build directories not cleaned after jobs on a static host',
    severity: 'medium',
    category: 'build-dirs',
    rationale:
      'On a static host the builds directory outlives each job: sources, .git contents and files with credentials stay for the next job to read. FF_ENABLE_JOB_CLEANUP makes the runner clean the build directory after every job; pinned in [runners.feature_flags] a job cannot switch it off.',
    remediation: 'Add FF_ENABLE_JOB_CLEANUP = true under [runners.feature_flags] of the runner.',
    gitlabSection: 'git-cleanup',
    references: [{ title: 'Feature flags: FF_ENABLE_JOB_CLEANUP', url: 'https://docs.gitlab.com/runner/configuration/feature-flags/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        if (!isStaticHost(runner) || runner.featureFlags.FF_ENABLE_JOB_CLEANUP === true) return [];
        const fix = `Add [runners.feature_flags] FF_ENABLE_JOB_CLEANUP = true to ${runner.name ? `runner "${runner.name}"` : 'this runner'}.`;
        if (runner.environmentFeatureFlags.FF_ENABLE_JOB_CLEANUP === true) {
          return [
            runnerFinding(at, {
              message: 'FF_ENABLE_JOB_CLEANUP is only set in environment, where a job can turn it off',
              evidence: '[[runners]] environment contains "FF_ENABLE_JOB_CLEANUP=true"; [runners.feature_flags] does not pin it',
              severity: 'low',
              remediation: fix,
            }),
          ];
        }
        const pinnedOff = runner.featureFlags.FF_ENABLE_JOB_CLEANUP === false;
        return [
          runnerFinding(at, {
            message: `${runner.executor} executor keeps build directories between jobs (FF_ENABLE_JOB_CLEANUP ${pinnedOff ? 'pinned off' : 'off'})`,
            evidence: pinnedOff ? '[runners.feature_flags] FF_ENABLE_JOB_CLEANUP = false' : 'FF_ENABLE_JOB_CLEANUP not set (default false)',
            remediation: fix,
          }),
        ];
      }),
    );
  },
});
