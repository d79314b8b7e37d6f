import type { CheckOutcome, FindingDraft, Reference, RunnerRef } from '../../agent/core/check.js';
import type { JobUser, RunnerContext, SystemFacts } from '../../collectors/system/types.js';

/** Shared vocabulary of the system checks: who runs jobs here, and how to name them in findings. */

export const RUNNER_SECURITY_URL = 'https://docs.gitlab.com/runner/security/';

/** The references of checks about what shell-executor jobs can do on the host. */
export const SHELL_EXECUTOR_REFERENCES: Reference[] = [
  { title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL },
  { title: 'Shell executor', url: 'https://docs.gitlab.com/runner/executors/shell/' },
];

/** The outcome of a shell-executor check on a host without one. */
export function noShellRunner(): CheckOutcome {
  return { status: 'not-applicable', reason: 'no shell-executor runner on this host' };
}

/** Job users that run shell-executor jobs: job code runs directly as them. */
export function shellJobUsers(system: SystemFacts): JobUser[] {
  return system.jobUsers.filter((user) => user.runners.length > 0);
}

/** The names of the job users of shell-executor runners. */
export function shellJobUserNames(system: SystemFacts): Set<string> {
  return new Set(shellJobUsers(system).map((user) => user.name));
}

/** The runners on this host that use the shell executor. */
export function shellRunners(system: SystemFacts): RunnerContext[] {
  return system.runners.filter((runner) => runner.executor === 'shell');
}

/** The items some account can read, each with whether one of those readers is an account shell jobs run as. */
export function readableItems<T extends { readableBy: readonly string[] }>(system: SystemFacts, items: readonly T[]): { item: T; readByShellJobs: boolean }[] {
  const shellUsers = shellJobUserNames(system);
  return items.filter((item) => item.readableBy.length > 0).map((item) => ({ item, readByShellJobs: item.readableBy.some((reader) => shellUsers.has(reader)) }));
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

/** Findings about each job user except root (which has nothing to gain), with the user as subject and its sole runner filled in. */
export function jobUserFindings(system: SystemFacts, findings: (user: JobUser) => Omit<FindingDraft, 'subject' | 'runner'>[]): FindingDraft[] {
  return system.jobUsers.flatMap((user) =>
    user.uid === 0 ? [] : findings(user).map((draft) => ({ subject: { kind: 'user' as const, id: user.name }, ...draft, ...soleRunner(system, user) })),
  );
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
