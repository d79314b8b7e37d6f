import type { RunnerConfigFile, RunnerEntry, RunnerFacts } from '../../collectors/runner/types.js';

/**
 * Runner facts for suites that judge other domains against the runner's config: one runner
 * entry with every field unset, and one config.toml holding given entries. Suites override
 * what their checks read, so a new RunnerFacts field is added here once.
 */
export function blankRunnerEntry(overrides: Partial<RunnerEntry> = {}): RunnerEntry {
  return {
    index: 0,
    name: 'runner',
    id: 'fp1:0000000000000001',
    gitlabId: null,
    url: null,
    cloneUrl: null,
    token: { kind: 'glrt', fingerprint: 'fp1:0000000000000001', shortTokenFingerprints: [], envVariable: null, obtainedAt: null, expiresAt: null },
    tlsCaFile: null,
    executor: null,
    shell: null,
    limit: 0,
    requestConcurrency: null,
    buildsDir: null,
    cacheDir: null,
    effectiveBuildsDir: null,
    effectiveCacheDir: null,
    environmentNames: [],
    gitStrategy: null,
    featureFlags: {},
    environmentFeatureFlags: {},
    jobCleanupEnabled: false,
    debugTraceDisabled: false,
    cleanGitConfig: null,
    scripts: [],
    docker: null,
    machine: null,
    autoscaler: null,
    ssh: null,
    kubernetes: null,
    custom: null,
    cache: null,
    secrets: [],
    ...overrides,
  };
}

/** Runner facts with one parsed /etc/gitlab-runner/config.toml holding `runners`. */
export function oneConfigRunnerFacts(runners: RunnerEntry[], overrides: Partial<RunnerConfigFile> = {}): RunnerFacts {
  const config: RunnerConfigFile = {
    path: '/etc/gitlab-runner/config.toml',
    foundBy: ['default-path'],
    file: null,
    directory: null,
    sizeBytes: 100,
    status: 'ok',
    execution: { source: 'none', jobUser: null, effectiveJobUser: null, effectiveJobUserGids: [], runnerRunsAsRoot: null, jobsRunAsRoot: null, workingDirectory: null },
    concurrent: null,
    listenAddress: null,
    sessionServerListenAddress: null,
    logLevel: null,
    runners,
    ineffectiveKeys: [],
    secrets: [],
    systemId: null,
    ...overrides,
  };
  return { searched: [], launches: [], configs: [config], errors: [], binary: { path: null, status: 'not-found', version: null, revision: null, message: null }, machineIdFingerprint: null };
}
