import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { escalate, severityRank, type Severity } from '../../agent/core/severity.js';
import type { BuildDirFacts, RunnerContext } from '../../collectors/system/types.js';
import { daysBetween, RUNNER_SECURITY_URL } from './common.js';

const SAFE_STRATEGIES = new Set(['clone', 'none', 'empty']);

/**
 * High by default: the copies are shared by every job of the dir's runners. Lower when every
 * runner pins a clean strategy and cleanup (jobs can still override the strategy), raise when
 * submodule contents persist (they reach users who have no access to the submodule).
 */
function severityOf(dir: BuildDirFacts, runners: readonly RunnerContext[]): { severity: Severity; why: string[] } {
  const why: string[] = [];
  let severity: Severity = runners.length === 0 ? 'medium' : 'high';
  if (runners.length === 0) why.push('no runner names this directory');
  const clone = runners.length > 0 && runners.every((r) => r.gitStrategy !== null && SAFE_STRATEGIES.has(r.gitStrategy));
  const cleanup = runners.length > 0 && runners.every((r) => r.jobCleanup === 'pinned');
  if (clone) why.push('every runner sets a non-fetch GIT_STRATEGY (jobs can still override it)');
  if (cleanup) why.push('FF_ENABLE_JOB_CLEANUP is pinned (with fetch it keeps .git)');
  if (clone && cleanup) severity = 'low';
  else if (clone || cleanup) severity = 'medium';
  if (runners.some((r) => r.gitStrategy === 'fetch')) why.push('a runner sets GIT_STRATEGY=fetch');
  if (dir.withSubmodules > 0) {
    const raised = escalate(severity);
    severity = severityRank(raised) < severityRank('high') ? 'high' : raised;
    why.push(`${dir.withSubmodules} keep submodule contents in .git/modules`);
  }
  return { severity, why };
}

export const persistentWorkingCopies = defineCheck({
  meta: {
    id: 'persistent-working-copies',
    title: 'Working copies of several projects persist in a shared builds directory',
    severity: 'high',
    category: 'build-dirs',
    rationale:
      'With GIT_STRATEGY: fetch (GitLab\'s default for new projects) the runner reuses the working copy an earlier job left. On a shared builds directory any job can change another project\'s copy (hooks, config, sources) and so run code in that project\'s next pipeline; submodule contents stay in .git for users who never had access to them.',
    remediation: 'Use GIT_STRATEGY: clone on shared runners, pin FF_ENABLE_JOB_CLEANUP = true and clean_git_config = true, and prefer ephemeral executors; dedicate a shell runner to one project or trust domain.',
    gitlabSection: 'git-strategy-fetch',
    references: [
      { title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL },
      { title: 'Git strategy', url: 'https://docs.gitlab.com/ci/runners/configure_runners/#git-strategy' },
    ],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    const now = Date.parse(facts.collectedAt.start);
    const dirs = system.buildDirs.filter((d) => d.kind === 'builds' && d.exists);
    if (dirs.length === 0) return { status: 'not-applicable', reason: 'no builds directory on this host' };
    return findingsOrPass(
      dirs
        .filter((dir) => dir.distinctProjects >= 2)
        .map((dir) => {
          const runners = system.runners.filter((r) => dir.runners.includes(r.name));
          const { severity, why } = severityOf(dir, runners);
          const age = dir.oldestMtimeMs === null ? '' : `, oldest untouched for ${daysBetween(dir.oldestMtimeMs, now)} days`;
          return {
            subject: { kind: 'path' as const, id: dir.path },
            message: `${dir.workingCopyCount} working copies of ${dir.distinctProjects} projects persist in ${dir.path}${why.length > 0 ? ` (${why.join('; ')})` : ''}`,
            evidence: `${dir.workingCopyCount} .git directories${age}, ${dir.withSubmodules} with .git/modules, ${Math.round(dir.indexBytesTotal / 1024)} KiB of git index; runners: ${runners.map((r) => `${r.name} (GIT_STRATEGY ${r.gitStrategy ?? 'unset'}, cleanup ${r.jobCleanup})`).join(', ') || 'none'}`,
            severity,
            remediation: `Set GIT_STRATEGY=clone for the runners using ${dir.path}, pin FF_ENABLE_JOB_CLEANUP = true and clean_git_config = true, and remove the stale working copies.`,
          };
        }),
    );
  },
});
