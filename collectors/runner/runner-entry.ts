import path from 'node:path';
import { safeText, sanitize } from '../../agent/lib/sanitize.js';
import type { Table } from './canonical.js';
import { machineCredentialOptions, runnerSecrets } from './secrets.js';
import { envReference, tokenFacts } from './tokens.js';
import type {
  AutoscalerSection, CacheSection, CustomSection, DockerSection, JobExecution, KubernetesSection, MachineSection, RunnerEntry,
  SshSection, UrlFacts,
} from './types.js';
import { flag, integer, list, sub, tables, text } from './values.js';

export function urlFacts(value: unknown): UrlFacts | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const trimmed = value.trim();
  if (envReference(trimmed)) return { value: sanitize(trimmed, 100), scheme: 'env', host: null, hasCredentials: false };
  try {
    const url = new URL(trimmed);
    const hasCredentials = url.password !== '' || url.username !== '';
    url.username = hasCredentials ? 'REDACTED' : '';
    url.password = '';
    return { value: safeText(url.toString(), 300), scheme: url.protocol.replace(/:$/, '').toLowerCase(), host: url.hostname.toLowerCase() || null, hasCredentials };
  } catch {
    return { value: safeText(trimmed.replace(/\/\/[^/@]*@/, '//REDACTED@'), 300), scheme: 'invalid', host: null, hasCredentials: /\/\/[^/@]*@/.test(trimmed) };
  }
}

const lower = (items: string[]): string[] => items.map((item) => item.trim().toLowerCase());

function dockerSection(docker: Table | undefined): DockerSection | null {
  if (!docker) return null;
  const pullPolicy = lower(list(docker, 'pull_policy'));
  const effectivePullPolicies = pullPolicy.length > 0 ? pullPolicy : ['always'];
  const allowedPullPolicies = lower(list(docker, 'allowed_pull_policies'));
  const privileged = flag(docker, 'privileged') ?? false;
  const servicesPrivileged = flag(docker, 'services_privileged');
  return {
    host: text(docker, 'host'),
    tlsVerify: flag(docker, 'tls_verify') ?? false,
    image: text(docker, 'image'),
    privileged,
    servicesPrivileged,
    servicesPrivilegedEffective: servicesPrivileged ?? privileged,
    allowedPrivilegedImages: list(docker, 'allowed_privileged_images'),
    allowedPrivilegedServices: list(docker, 'allowed_privileged_services'),
    allowedImages: list(docker, 'allowed_images'),
    allowedServices: list(docker, 'allowed_services'),
    pullPolicy,
    effectivePullPolicies,
    allowedPullPolicies,
    effectiveAllowedPullPolicies: allowedPullPolicies.length > 0 ? allowedPullPolicies : effectivePullPolicies,
    user: text(docker, 'user'),
    allowedUsers: list(docker, 'allowed_users'),
    groupAdd: list(docker, 'group_add'),
    capAdd: list(docker, 'cap_add'),
    capDrop: list(docker, 'cap_drop'),
    securityOpt: list(docker, 'security_opt', 400),
    servicesSecurityOpt: list(docker, 'services_security_opt', 400),
    devices: list(docker, 'devices'),
    deviceCgroupRules: list(docker, 'device_cgroup_rules'),
    volumes: list(docker, 'volumes', 400),
    volumesFrom: list(docker, 'volumes_from'),
    cacheDir: text(docker, 'cache_dir'),
    disableCache: flag(docker, 'disable_cache') ?? false,
    networkMode: text(docker, 'network_mode'),
    pidMode: text(docker, 'pid_mode'),
    ipcMode: text(docker, 'ipcmode'),
    usernsMode: text(docker, 'userns_mode'),
    runtime: text(docker, 'runtime'),
    helperImage: text(docker, 'helper_image'),
    services: tables(docker, 'services').map((service) => text(service, 'name') ?? '').filter((name) => name !== ''),
  };
}

function machineSection(machine: Table | undefined): MachineSection | null {
  if (!machine) return null;
  return {
    maxBuilds: integer(machine, 'MaxBuilds') ?? 0,
    idleCount: integer(machine, 'IdleCount'),
    machineDriver: text(machine, 'MachineDriver'),
    credentialOptions: machineCredentialOptions(machine),
  };
}

function autoscalerSection(autoscaler: Table | undefined): AutoscalerSection | null {
  if (!autoscaler) return null;
  return {
    maxUseCount: integer(autoscaler, 'max_use_count') ?? 0,
    capacityPerInstance: integer(autoscaler, 'capacity_per_instance'),
    maxInstances: integer(autoscaler, 'max_instances'),
    plugin: text(autoscaler, 'plugin'),
    connectorKeyPath: text(sub(autoscaler, 'connector_config'), 'key_path'),
  };
}

function sshSection(ssh: Table | undefined): SshSection | null {
  if (!ssh) return null;
  const port = ssh.port;
  return {
    user: text(ssh, 'user'),
    host: text(ssh, 'host'),
    port: typeof port === 'number' ? String(port) : text(ssh, 'port', 10),
    passwordPresent: typeof ssh.password === 'string' && ssh.password !== '',
    identityFile: text(ssh, 'identity_file'),
    disableStrictHostKeyChecking: flag(ssh, 'disable_strict_host_key_checking'),
    knownHostsFile: text(ssh, 'known_hosts_file'),
  };
}

function kubernetesSection(kubernetes: Table | undefined): KubernetesSection | null {
  if (!kubernetes) return null;
  return {
    host: text(kubernetes, 'host'),
    namespace: text(kubernetes, 'namespace'),
    privileged: flag(kubernetes, 'privileged'),
    allowPrivilegeEscalation: flag(kubernetes, 'allow_privilege_escalation'),
    pullPolicy: lower(list(kubernetes, 'pull_policy')),
    allowedPullPolicies: lower(list(kubernetes, 'allowed_pull_policies')),
    bearerTokenPresent: typeof kubernetes.bearer_token === 'string' && kubernetes.bearer_token !== '',
    bearerTokenOverwriteAllowed: flag(kubernetes, 'bearer_token_overwrite_allowed') ?? false,
    serviceAccount: text(kubernetes, 'service_account'),
    capAdd: list(kubernetes, 'cap_add'),
    capDrop: list(kubernetes, 'cap_drop'),
    hostPathVolumes: tables(sub(kubernetes, 'volumes'), 'host_path').map((volume) => ({
      hostPath: text(volume, 'host_path', 400) ?? '',
      mountPath: text(volume, 'mount_path', 400) ?? '',
      readOnly: flag(volume, 'read_only') ?? false,
    })),
  };
}

function customSection(custom: Table | undefined): CustomSection | null {
  if (!custom) return null;
  return {
    configExec: text(custom, 'config_exec', 400),
    prepareExec: text(custom, 'prepare_exec', 400),
    runExec: text(custom, 'run_exec', 400),
    cleanupExec: text(custom, 'cleanup_exec', 400),
  };
}

function cacheSection(cache: Table | undefined): CacheSection | null {
  if (!cache) return null;
  const s3 = sub(cache, 's3');
  return {
    type: text(cache, 'Type'),
    shared: flag(cache, 'Shared') ?? false,
    s3Insecure: flag(s3, 'Insecure') ?? false,
    s3ServerAddress: text(s3, 'ServerAddress'),
    s3AuthenticationType: text(s3, 'AuthenticationType'),
  };
}

function envBoolean(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (['true', '1', 't', 'yes'].includes(v)) return true;
  if (['false', '0', 'f', 'no', ''].includes(v)) return false;
  return null;
}

const SCRIPT_KEYS = ['pre_get_sources_script', 'post_get_sources_script', 'pre_build_script', 'post_build_script'];
// Executors whose builds_dir is a directory on this host (others build in containers, VMs or remote hosts).
const LOCAL_BUILD_EXECUTORS = new Set(['shell', 'custom']);

/** One [[runners]] entry as the runner sees it, secret-free. */
export function runnerEntry(runner: Table, index: number, configPath: string, execution: JobExecution): RunnerEntry {
  const token = tokenFacts(runner.token, runner.token_obtained_at, runner.token_expires_at);
  const executor = text(runner, 'executor', 60)?.toLowerCase() ?? null;
  const environment = list(runner, 'environment', 4000);
  const environmentNames: string[] = [];
  const environmentFeatureFlags: Record<string, boolean> = {};
  let gitStrategy: string | null = null;
  for (const entry of environment) {
    const eq = entry.indexOf('=');
    const name = (eq > 0 ? entry.slice(0, eq) : entry).trim().slice(0, 120);
    const value = eq > 0 ? entry.slice(eq + 1) : '';
    environmentNames.push(name);
    if (name === 'GIT_STRATEGY') gitStrategy = value.trim().toLowerCase().slice(0, 20);
    if (/^FF_[A-Z0-9_]+$/.test(name)) {
      const parsed = envBoolean(value);
      if (parsed !== null) environmentFeatureFlags[name] = parsed;
    }
  }
  const featureFlags: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(sub(runner, 'feature_flags') ?? {})) {
    // Feature flag names are FF_*; anything else (including __proto__) is not a flag.
    if (typeof value === 'boolean' && /^FF_[A-Z0-9_]{1,120}$/.test(name)) featureFlags[name] = value;
  }
  const buildsDir = text(runner, 'builds_dir', 400);
  const cacheDir = text(runner, 'cache_dir', 400);
  const local = executor !== null && LOCAL_BUILD_EXECUTORS.has(executor);
  const workDir = execution.workingDirectory;
  const id = token?.fingerprint ?? `${configPath}#runners[${index}]`;
  return {
    index,
    name: safeText(typeof runner.name === 'string' ? runner.name : '', 200),
    id,
    gitlabId: integer(runner, 'id'),
    url: urlFacts(runner.url),
    cloneUrl: urlFacts(runner.clone_url),
    token,
    tlsCaFile: text(runner, 'tls-ca-file', 400),
    executor,
    shell: text(runner, 'shell', 40),
    limit: integer(runner, 'limit') ?? 0,
    requestConcurrency: integer(runner, 'request_concurrency'),
    buildsDir,
    cacheDir,
    effectiveBuildsDir: local ? (buildsDir ?? (executor === 'shell' && workDir ? path.posix.join(workDir, 'builds') : null)) : null,
    effectiveCacheDir: local ? (cacheDir ?? (executor === 'shell' && workDir ? path.posix.join(workDir, 'cache') : null)) : null,
    environmentNames,
    gitStrategy,
    featureFlags,
    environmentFeatureFlags,
    jobCleanupEnabled: featureFlags.FF_ENABLE_JOB_CLEANUP ?? environmentFeatureFlags.FF_ENABLE_JOB_CLEANUP ?? false,
    debugTraceDisabled: flag(runner, 'debug_trace_disabled') ?? false,
    cleanGitConfig: flag(runner, 'clean_git_config'),
    scripts: SCRIPT_KEYS.filter((key) => typeof runner[key] === 'string' && (runner[key] as string).trim() !== ''),
    docker: dockerSection(sub(runner, 'docker')),
    machine: machineSection(sub(runner, 'machine')),
    autoscaler: autoscalerSection(sub(runner, 'autoscaler')),
    ssh: sshSection(sub(runner, 'ssh')),
    kubernetes: kubernetesSection(sub(runner, 'kubernetes')),
    custom: customSection(sub(runner, 'custom')),
    cache: cacheSection(sub(runner, 'cache')),
    secrets: runnerSecrets(runner),
  };
}

