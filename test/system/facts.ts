import type { Facts } from '../../agent/core/facts.js';
import type { BuildDirFacts, JobUser, RunnerContext, SystemFacts, WorkingCopy } from '../../collectors/system/types.js';

/** Facts builders for table-driven check tests: a quiet host, changed one field at a time. */

export function jobUser(over: Partial<JobUser> = {}): JobUser {
  return { name: 'gitlab-runner', uid: 999, gid: 999, home: '/home/gitlab-runner', source: 'runner-user-flag', runners: ['shell-1'], groups: ['gitlab-runner'], gids: [999], ...over };
}

export function runner(over: Partial<RunnerContext> = {}): RunnerContext {
  return {
    name: 'shell-1',
    id: 'fp1:00000000000000aa',
    configPath: '/etc/gitlab-runner/config.toml',
    executor: 'shell',
    jobUser: 'gitlab-runner',
    runnerRunsAsRoot: true,
    buildsDir: '/home/gitlab-runner/builds',
    cacheDir: '/home/gitlab-runner/cache',
    gitStrategy: null,
    jobCleanup: 'off',
    ...over,
  };
}

export function workingCopy(over: Partial<WorkingCopy> = {}): WorkingCopy {
  return { path: '/home/gitlab-runner/builds/s/0/g/app', pathB64: 'eA==', project: 'g/app', mtimeMs: Date.parse('2026-11-01T00:00:00Z'), indexBytes: 2048, remotes: [], credentials: [], submodules: false, configProblem: null, ...over };
}

export function buildDir(over: Partial<BuildDirFacts> = {}): BuildDirFacts {
  return {
    path: '/home/gitlab-runner/builds',
    runners: ['shell-1'],
    kind: 'builds',
    exists: true,
    problem: null,
    workingCopyCount: 0,
    distinctProjects: 0,
    withCredentials: 0,
    withSubmodules: 0,
    oldestMtimeMs: null,
    indexBytesTotal: 0,
    workingCopies: [],
    jobTempDirCount: 0,
    jobTempDirs: [],
    walk: { root: '/home/gitlab-runner/builds', entries: 10, limits: [], truncatedAt: [], symlinks: 0, specialFiles: 0, races: 0 },
    ...over,
  };
}

export function quietSystem(over: Partial<SystemFacts> = {}): SystemFacts {
  return {
    runners: [runner()],
    jobUsers: [jobUser()],
    users: [],
    groups: [],
    dockerGroups: [{ name: 'docker', gid: 998, reason: 'named-docker', members: [] }],
    dockerSocketUserGrants: [],
    aclsRead: true,
    sudo: { files: ['/etc/sudoers'], rules: [{ source: '/etc/sudoers:1', principals: ['root'], runAs: ['ALL'], commands: ['ALL'], nopasswd: false, allCommands: true }], problems: [] },
    ssh: { homesSearched: ['/home/gitlab-runner', '/root'], privateKeys: [], authorizedKeys: [], sshd: { path: '/etc/ssh/sshd_config', permitRootLogin: 'no', passwordAuthentication: 'no' } },
    credentialFiles: [],
    startupFiles: [],
    gitConfigs: [],
    buildDirs: [buildDir()],
    errors: [],
    ...over,
  };
}

export function factsOf(system: SystemFacts): Facts {
  return {
    schemaVersion: 1,
    tool: { name: 'runner-warden', version: '0.0.0' },
    host: { hostname: 'runner-01', machineId: null },
    root: '/',
    collectedAt: { start: '2026-11-29T06:00:00.000Z', end: '2026-11-29T06:00:01.000Z' },
    collectors: [{ name: 'system', provides: 'system', status: 'ok', durationMs: 1 }],
    domains: { system },
  };
}
