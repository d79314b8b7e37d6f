import type { DockerSection, RunnerEntry, RunnerFacts } from '../../collectors/runner/types.js';
import { blankRunnerEntry, oneConfigRunnerFacts } from '../helpers/runner-facts.js';

/** `[runners.docker]` with the runner's defaults, overridden where a case needs it. */
export function dockerSection(overrides: Partial<DockerSection> = {}): DockerSection {
  return {
    host: null,
    tlsVerify: false,
    image: 'alpine:3.20',
    privileged: false,
    servicesPrivileged: null,
    servicesPrivilegedEffective: false,
    allowedPrivilegedImages: [],
    allowedPrivilegedServices: [],
    allowedImages: [],
    allowedServices: [],
    pullPolicy: [],
    effectivePullPolicies: ['always'],
    allowedPullPolicies: [],
    effectiveAllowedPullPolicies: ['always'],
    user: null,
    allowedUsers: [],
    groupAdd: [],
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    servicesSecurityOpt: [],
    devices: [],
    deviceCgroupRules: [],
    volumes: ['/cache'],
    volumesFrom: [],
    cacheDir: null,
    disableCache: false,
    networkMode: null,
    pidMode: null,
    ipcMode: null,
    usernsMode: null,
    runtime: null,
    helperImage: null,
    services: [],
    ...overrides,
  };
}

export function runnerEntry(overrides: Partial<RunnerEntry> = {}): RunnerEntry {
  return blankRunnerEntry({
    name: 'shared-docker',
    id: 'fp1:1111111111111111',
    gitlabId: 7,
    url: { value: 'https://gitlab.example.com', scheme: 'https', host: 'gitlab.example.com', hasCredentials: false },
    token: { kind: 'glrt', fingerprint: 'fp1:1111111111111111', shortTokenFingerprints: [], envVariable: null, obtainedAt: null, expiresAt: null },
    executor: 'docker',
    docker: dockerSection(),
    ...overrides,
  });
}

/** Runner facts with one config.toml holding these runners. */
export function runnerFacts(runners: RunnerEntry[]): RunnerFacts {
  return oneConfigRunnerFacts(runners, { concurrent: 4 });
}
