import type { FindingDraft, RunnerRef } from '../../agent/core/check.js';
import type { JobUser, RunnerContext, SystemFacts } from '../../collectors/system/types.js';

/** Shared vocabulary of the system checks: who runs jobs here, and how to name them in findings. */

export const RUNNER_SECURITY_URL = 'https://docs.gitlab.com/runner/security/';

/** Job users that run shell-executor jobs: job code runs directly as them. */
export function shellJobUsers(system: SystemFacts): JobUser[] {
  return system.jobUsers.filter((user) => user.runners.length > 0);
}

/** True when any runner uses the shell executor on this host. */
export function hasShellRunner(system: SystemFacts): boolean {
  return system.runners.some((runner) => runner.executor === 'shell');
}

/** "gitlab-runner (shell runners: a, b)" or "gitlab-runner (no shell runner: hosts the runner service)". */
export function describeJobUser(user: JobUser): string {
  if (user.runners.length > 0) return `${user.name} (runs the jobs of shell runner${user.runners.length > 1 ? 's' : ''} ${user.runners.map((r) => `"${r}"`).join(', ')})`;
  const why = user.source === 'default' ? 'the package default job user' : 'the account named by the runner service';
  return `${user.name} (${why}; no shell runner uses it today)`;
}

export function runnerRef(runner: RunnerContext): RunnerRef {
  return { name: runner.name, id: runner.id, configPath: runner.configPath };
}

/** The runner a job user's finding belongs to, when exactly one shell runner uses it. */
export function soleRunner(system: SystemFacts, user: JobUser): Pick<FindingDraft, 'runner'> {
  const runners = system.runners.filter((r) => r.jobUser === user.name);
  return runners.length === 1 && runners[0] ? { runner: runnerRef(runners[0]) } : {};
}

/** Whole days between two epoch-ms instants (for ages computed against the scan's own time). */
export function daysBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / 86_400_000));
}

/** Joins up to `max` items and says how many more there were. */
export function listSome(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
