import path from 'node:path';
import type { RunnerConfigFile, RunnerEntry, RunnerFacts } from '../runner/types.js';
import type { Accounts } from './accounts.js';
import type { JobUserSource, RunnerContext } from './types.js';

/** The account the package creates and its unit passes as `--user`. */
export const DEFAULT_JOB_USER = 'gitlab-runner';

/** Executors that run job scripts directly on this host, as the job user. */
const LOCAL_EXECUTORS: ReadonlySet<string> = new Set(['shell']);

export interface JobUserChoice {
  name: string;
  source: JobUserSource;
}

/** Who the jobs of one config run as: the launch's `--user`, else the process user, else the package default. */
export function jobUserOf(config: RunnerConfigFile): JobUserChoice {
  const execution = config.execution;
  if (execution.jobUser) return { name: execution.jobUser, source: 'runner-user-flag' };
  if (execution.effectiveJobUser) return { name: execution.effectiveJobUser, source: 'runner-process' };
  return { name: DEFAULT_JOB_USER, source: 'default' };
}

function jobCleanup(entry: RunnerEntry): RunnerContext['jobCleanup'] {
  if (entry.featureFlags.FF_ENABLE_JOB_CLEANUP === true) return 'pinned';
  if (entry.environmentFeatureFlags.FF_ENABLE_JOB_CLEANUP === true) return 'environment';
  return 'off';
}

function homeOf(accounts: Accounts, user: string): string | null {
  const home = accounts.user(user)?.home;
  return home && home.startsWith('/') ? home : null;
}

/**
 * The runners to join host facts with. A shell runner whose builds dir the runner facts could not
 * place (no working directory known) gets the package default `<job user home>/builds`.
 */
export function runnerContexts(runner: RunnerFacts | undefined, accounts: Accounts): RunnerContext[] {
  const configs = Array.isArray(runner?.configs) ? runner.configs : [];
  const contexts: RunnerContext[] = [];
  for (const config of configs) {
    const user = jobUserOf(config);
    for (const entry of config.runners ?? []) {
      const local = entry.executor !== null && LOCAL_EXECUTORS.has(entry.executor);
      const home = local ? homeOf(accounts, user.name) : null;
      contexts.push({
        name: entry.name,
        id: entry.token?.fingerprint ?? null,
        configPath: config.path,
        executor: entry.executor,
        jobUser: local ? user.name : null,
        runnerRunsAsRoot: config.execution.runnerRunsAsRoot,
        buildsDir: local ? (entry.effectiveBuildsDir ?? (home ? path.posix.join(home, 'builds') : null)) : null,
        cacheDir: local ? (entry.effectiveCacheDir ?? (home ? path.posix.join(home, 'cache') : null)) : null,
        gitStrategy: entry.gitStrategy,
        jobCleanup: jobCleanup(entry),
      });
    }
  }
  return contexts;
}
