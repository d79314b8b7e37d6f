/**
 * Facts about gitlab-runner installs, as the runner itself would read them.
 *
 * Everything here is JSON-serialisable and secret-free: tokens, keys and passwords are never
 * kept. A high-entropy token becomes a `secretFingerprint` (same token, same fingerprint on any
 * host); a low-entropy secret (password, access key) is recorded as present, nothing more.
 * Text from the host is control-stripped and bounded (`sanitize`); runner names and URLs also go
 * through `safeText` (credential redaction). Paths and settings are kept unredacted so checks can match them.
 *
 * Key names in these facts are the runner's canonical ones, whatever case the file used
 * (the runner matches keys case-insensitively, see catalog §2).
 */

/** How a config.toml (or another runner artefact) came to be looked at. */
export type DiscoverySource =
  /** One of the runner's default locations (/etc/gitlab-runner, /root/.gitlab-runner, /home/<user>/.gitlab-runner). */
  | 'default-path'
  /** The `--config`/`-c` (or implied default) of a running `gitlab-runner run` process. */
  | 'process'
  /** The `--config` (or implied default) in the ExecStart of the gitlab-runner systemd unit. */
  | 'systemd-unit'
  /** `runner.config_paths` in runner-warden's own config. */
  | 'warden-config';

/** One place searched, whatever was (or was not) found there: "no runner found" stays honest. */
export interface SearchedLocation {
  /** Host path (relative to the host root), or a glob such as `/home/*\/.gitlab-runner/config.toml`. */
  path: string;
  /** What the location was searched for. */
  purpose: 'config' | 'process-table' | 'systemd-unit' | 'systemd-drop-in' | 'binary';
  /** Why it was searched. */
  source: DiscoverySource | 'binary-search' | 'unit-search';
  /**
   * What was there: `found` (a regular file or directory was read), `absent`, `refused`
   * (a symlink leaving its tree, a FIFO, a device: not followed), `unreadable` (permission or I/O error).
   */
  outcome: 'found' | 'absent' | 'refused' | 'unreadable';
}

/** Owner, group and mode of a file or directory, as stat reports them. */
export interface FileOwnership {
  uid: number;
  gid: number;
  /** User name from the host's /etc/passwd, null when the uid has no entry. */
  owner: string | null;
  /** Group name from the host's /etc/group, null when the gid has no entry. */
  group: string | null;
  /** Permission bits (mode & 0o7777), e.g. 0o600 = 384. */
  mode: number;
  /** The same bits as an octal string, e.g. "0600", for people reading the facts. */
  modeOctal: string;
  /**
   * Named entries of the file's POSIX ACL that grant read or write (within its mask): grants
   * mode bits do not show. Empty without an ACL, or when file access does not read them (portable).
   */
  aclGrants: AclGrant[];
  /**
   * With an ACL, the owning group's own permission bits (within the mask), since the group bits of
   * `mode` then show the ACL's mask; null without an ACL (or when ACLs are not read).
   */
  aclGroupPerm: number | null;
}

/** One named user or group entry of a POSIX ACL, as it takes effect. */
export interface AclGrant {
  kind: 'user' | 'group';
  id: number;
  /** Account or group name from the host's files, null when the id has none. */
  name: string | null;
  read: boolean;
  write: boolean;
}

/**
 * A way the runner is launched: a running `gitlab-runner run` process or the systemd unit.
 * One host may have several (a root service plus a user running its own runner).
 */
export interface RunnerLaunch {
  source: 'process' | 'systemd-unit';
  /** Process id when `source` is `process`. */
  pid: number | null;
  /** Unit file path when `source` is `systemd-unit`. */
  unitPath: string | null;
  /** Drop-in files applied to the unit, in the order systemd applies them. */
  dropIns: string[];
  /** The gitlab-runner executable (argv[0] or the ExecStart binary). */
  binaryPath: string | null;
  /** The config.toml this launch reads: `--config`/`-c`, else the runner's default for the process user. */
  configPath: string;
  /** True when `configPath` came from `--config`/`-c` rather than the runner's default. */
  configPathExplicit: boolean;
  /** `--working-directory`/`-d`: where shell builds and caches live by default. Null when not given. */
  workingDirectory: string | null;
  /**
   * `--user`/`-u`: the account shell-executor jobs run as (via su). Null when not given, in which
   * case jobs run as the runner process's own user.
   */
  jobUser: string | null;
  /** Uid the runner process runs as: /proc/<pid>/status (process) or User= (unit, resolved via /etc/passwd); null if unknown. */
  processUid: number | null;
  /** Name of the runner process's user (unit `User=`, or /etc/passwd lookup of the uid); null if unknown. */
  processUser: string | null;
  /** Whether the runner process itself runs as root; null when that cannot be told. */
  runsAsRoot: boolean | null;
  /** `--listen-address` on the command line, which overrides `listen_address` in config.toml. */
  listenAddressOverride: string | null;
}

/**
 * Who the jobs of a config run as, from the launches that read it. Checks about the job user
 * (shell executor as root, config readable by the job user, sudo, docker group) start here.
 */
export interface JobExecution {
  /** The launch this summary is taken from: a running process wins over the unit. */
  source: 'process' | 'systemd-unit' | 'none';
  /** `--user` of that launch; null when none was given (jobs then run as the process user). */
  jobUser: string | null;
  /** The account local (shell) jobs effectively run as: `jobUser`, else the process user; null if unknown. */
  effectiveJobUser: string | null;
  /** Group ids of `effectiveJobUser` (primary and supplementary, from /etc/passwd and /etc/group); empty if unknown. */
  effectiveJobUserGids: number[];
  /** Whether the runner process runs as root; null if unknown (no process or unit found for this config). */
  runnerRunsAsRoot: boolean | null;
  /** Whether local (shell) jobs run as root: `--user root`, or a root runner without `--user`; null if unknown. */
  jobsRunAsRoot: boolean | null;
  /** `--working-directory` of that launch, null when not given or unknown. */
  workingDirectory: string | null;
}

/** Kind of a runner token, from its shape only. */
export type TokenKind =
  /** `glrt-…` authentication token (runner created in the UI/API), including `<prefix>-glrt-` and `glrt-t1_` forms. */
  | 'glrt'
  /** `glrtr-…` authentication token of a runner registered with a registration token (2025+). */
  | 'glrtr'
  /** Unprefixed authentication token of the legacy registration workflow (20 or 30 characters). */
  | 'legacy'
  /** A registration token (`GR1348941…`) where an authentication token belongs: it can register more runners. */
  | 'registration'
  /** An obvious placeholder (empty, `xxx`, `TOKEN`, `<token>`, `REDACTED`...): no secret present. */
  | 'placeholder'
  /** `$VAR` or `${VAR}`: expanded from the runner's environment at load, not a secret in the file. */
  | 'env-reference'
  /** Anything else. */
  | 'unknown';

/** What is kept about a token: never the token. */
export interface TokenFacts {
  kind: TokenKind;
  /** `secretFingerprint(token)`; null for placeholders and env references (nothing secret to fingerprint). */
  fingerprint: string | null;
  /**
   * `secretFingerprint` of each short form of the token (what job container labels carry as
   * `runner.id`): joins Docker facts to this runner. Empty when there is no secret token.
   */
  shortTokenFingerprints: string[];
  /** Variable name when `kind` is `env-reference`. */
  envVariable: string | null;
  /** `token_obtained_at` as an ISO string, null when absent. */
  obtainedAt: string | null;
  /** `token_expires_at` as an ISO string; null when absent or the runner's "never" value 0001-01-01. */
  expiresAt: string | null;
}

/** A GitLab URL (`url`, `clone_url`) with any userinfo password removed. */
export interface UrlFacts {
  /** The URL with credentials replaced by [REDACTED]; the `$VAR` text when it is an env reference. */
  value: string;
  /** Lower-case scheme (`https`, `http`...), `env` when the URL is a `$VAR` reference, `invalid` when unparsable. */
  scheme: string;
  /** Host part, lower-case; null when unknown. */
  host: string | null;
  /** True when the URL embeds `user:password@`. */
  hasCredentials: boolean;
}

/** Where a plaintext secret sits in a config: presence only, never its value. */
export interface PlaintextSecret {
  /** Canonical setting path, e.g. `runners.cache.s3.SecretKey`, `runners.environment.DOCKER_AUTH_CONFIG`. */
  setting: string;
  kind: 'registry-credential' | 'cache-credential' | 'ssh-password' | 'kubernetes-token' | 'cloud-credential' | 'connector-password' | 'environment-secret' | 'url-credential' | 'sentry-dsn';
}

/** `[runners.docker]` (docker, docker-windows, docker+machine, docker-autoscaler executors). */
export interface DockerSection {
  /** `host`: the daemon the runner talks to; null = DOCKER_HOST or the local socket. */
  host: string | null;
  tlsVerify: boolean;
  /** Default job image. */
  image: string | null;
  /** `privileged` (build and helper containers; also services unless `services_privileged` is set). */
  privileged: boolean;
  /** `services_privileged`; null when unset (then services follow `privileged`). */
  servicesPrivileged: boolean | null;
  /** Effective privilege of service containers: `services_privileged ?? privileged`. */
  servicesPrivilegedEffective: boolean;
  /** `allowed_privileged_images` (empty: any image may run privileged). */
  allowedPrivilegedImages: string[];
  /** `allowed_privileged_services` (empty: any service may run privileged). */
  allowedPrivilegedServices: string[];
  /** `allowed_images` (empty: any image). */
  allowedImages: string[];
  /** `allowed_services` (empty: any service). */
  allowedServices: string[];
  /** `pull_policy` as written (string or array, lower-cased); empty when unset. */
  pullPolicy: string[];
  /** The policies the runner uses: `pullPolicy`, or `["always"]` when unset. */
  effectivePullPolicies: string[];
  /** `allowed_pull_policies` as written; empty when unset. */
  allowedPullPolicies: string[];
  /** Policies a job may request: `allowedPullPolicies`, or `effectivePullPolicies` when unset. */
  effectiveAllowedPullPolicies: string[];
  /** `user` the job container runs as; null = the image's user (usually root). */
  user: string | null;
  allowedUsers: string[];
  groupAdd: string[];
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  servicesSecurityOpt: string[];
  devices: string[];
  deviceCgroupRules: string[];
  /** `volumes`: `host:container[:mode]` binds or single-path cache volumes. */
  volumes: string[];
  volumesFrom: string[];
  /** `cache_dir` on the docker host, null when unset. */
  cacheDir: string | null;
  disableCache: boolean;
  networkMode: string | null;
  pidMode: string | null;
  ipcMode: string | null;
  usernsMode: string | null;
  /** OCI runtime (`runsc`, `kata`...), null = daemon default. */
  runtime: string | null;
  helperImage: string | null;
  /** Names of `[[runners.docker.services]]` always started with each job. */
  services: string[];
}

/** `[runners.machine]` (docker+machine). */
export interface MachineSection {
  /** `MaxBuilds`: jobs per VM before it is removed; 0 = unlimited (the default). */
  maxBuilds: number;
  idleCount: number | null;
  machineDriver: string | null;
  /** Names of `MachineOptions` that carry credentials (e.g. `amazonec2-secret-key`); never their values. */
  credentialOptions: string[];
}

/** `[runners.autoscaler]` (docker-autoscaler, instance). */
export interface AutoscalerSection {
  /** `max_use_count`: jobs per instance before it is removed; 0 = unlimited (the default). */
  maxUseCount: number;
  capacityPerInstance: number | null;
  maxInstances: number | null;
  plugin: string | null;
  /** `[runners.autoscaler.connector_config] key_path`. */
  connectorKeyPath: string | null;
}

/** `[runners.ssh]` (ssh, and the VM executors virtualbox/parallels). */
export interface SshSection {
  /** `user`; null when unset (the runner then logs in as root). */
  user: string | null;
  host: string | null;
  port: string | null;
  passwordPresent: boolean;
  identityFile: string | null;
  /** `disable_strict_host_key_checking`; null when unset (meaning depends on the runner version: before 15.0 unset = off). */
  disableStrictHostKeyChecking: boolean | null;
  knownHostsFile: string | null;
}

/** `[runners.kubernetes]`. */
export interface KubernetesSection {
  host: string | null;
  namespace: string | null;
  /** `privileged`; null when unset. */
  privileged: boolean | null;
  allowPrivilegeEscalation: boolean | null;
  /** `pull_policy` as written, lower-cased; empty when unset (then the cluster default, IfNotPresent for non-latest tags). */
  pullPolicy: string[];
  allowedPullPolicies: string[];
  bearerTokenPresent: boolean;
  bearerTokenOverwriteAllowed: boolean;
  serviceAccount: string | null;
  capAdd: string[];
  capDrop: string[];
  /** `[[runners.kubernetes.volumes.host_path]]` entries. */
  hostPathVolumes: { hostPath: string; mountPath: string; readOnly: boolean }[];
}

/** `[runners.custom]`: driver executables run as the runner process user. */
export interface CustomSection {
  configExec: string | null;
  prepareExec: string | null;
  runExec: string | null;
  cleanupExec: string | null;
}

/** `[runners.cache]` and its s3/gcs/azure tables (credentials as presence only). */
export interface CacheSection {
  type: string | null;
  shared: boolean;
  /** `[runners.cache.s3] Insecure`: cache traffic over plain HTTP. */
  s3Insecure: boolean;
  s3ServerAddress: string | null;
  /** `[runners.cache.s3] AuthenticationType` (`iam`, `access-key`), null when unset. */
  s3AuthenticationType: string | null;
}

/** One `[[runners]]` entry, with only the keys the runner honours at their effective location. */
export interface RunnerEntry {
  /** Position in the file's `[[runners]]` array (0-based). */
  index: number;
  /** `name` (local description), "" when unset. */
  name: string;
  /**
   * Stable id for findings and references: the token fingerprint when there is one, else
   * `<configPath>#runners[<index>]`.
   */
  id: string;
  /** `id` key: the runner's numeric id on GitLab, null when absent. */
  gitlabId: number | null;
  url: UrlFacts | null;
  /** `clone_url`, null when unset. */
  cloneUrl: UrlFacts | null;
  token: TokenFacts | null;
  /** `tls-ca-file`, null when unset. */
  tlsCaFile: string | null;
  /** Executor, lower-cased; null when missing (the runner refuses such an entry). */
  executor: string | null;
  shell: string | null;
  /** `limit`: 0 = unlimited. */
  limit: number;
  requestConcurrency: number | null;
  /** `builds_dir` as configured, null when unset. */
  buildsDir: string | null;
  /** `cache_dir` as configured, null when unset. */
  cacheDir: string | null;
  /**
   * Host directory where builds of a local executor live: `builds_dir`, else (shell only)
   * `<working-directory>/builds`. Null for executors that build in containers, VMs or on remote
   * hosts, and when the directory cannot be told (no builds_dir and no known working directory).
   */
  effectiveBuildsDir: string | null;
  /** Host directory of the shell executor's cache, like `effectiveBuildsDir`. */
  effectiveCacheDir: string | null;
  /** Names of the `environment` entries (values are never kept: they may be secrets). */
  environmentNames: string[];
  /** `GIT_STRATEGY` set in `environment` (lower-cased), null when absent; jobs can override it. */
  gitStrategy: string | null;
  /** `[runners.feature_flags]`: pinned flags jobs cannot override. */
  featureFlags: Record<string, boolean>;
  /** `FF_*` entries of `environment` parsed as booleans (jobs can override these). */
  environmentFeatureFlags: Record<string, boolean>;
  /** Whether FF_ENABLE_JOB_CLEANUP is on by default for this runner: pinned flag, else environment, else false. */
  jobCleanupEnabled: boolean;
  /** `debug_trace_disabled`. */
  debugTraceDisabled: boolean;
  /** `clean_git_config`, null when unset. */
  cleanGitConfig: boolean | null;
  /** Which of the script hooks are set (`pre_get_sources_script`, `post_get_sources_script`, `pre_build_script`, `post_build_script`). */
  scripts: string[];
  docker: DockerSection | null;
  machine: MachineSection | null;
  autoscaler: AutoscalerSection | null;
  ssh: SshSection | null;
  kubernetes: KubernetesSection | null;
  custom: CustomSection | null;
  cache: CacheSection | null;
  /** Plaintext secrets in this entry (presence only). */
  secrets: PlaintextSecret[];
}

/** A key the runner ignores: unknown, misplaced, removed, or a registration-time setting. */
export interface IneffectiveKey {
  /** Dotted table path with array positions, e.g. `runners[0].docker`, `runners[1]`, `` for top level. */
  table: string;
  /** The key as written in the file. */
  key: string;
  /**
   * `unknown` (no such key anywhere), `misplaced` (a real key in the wrong table), `removed` (honoured by
   * older runners only), `registration-only` (a GitLab-side runner setting), `shadowed` (a second
   * case-variant of a key already set: the runner's exact spelling wins).
   */
  reason: 'unknown' | 'misplaced' | 'removed' | 'registration-only' | 'shadowed';
  /** Where it belongs or what replaced it (e.g. `runners.docker.network_mode`, `pre_get_sources_script`). */
  hint: string | null;
  /** 1-based line of the key when known. */
  line: number | null;
}

/** A problem reading or parsing one file: file and line, and a message that never quotes the file. */
export interface RunnerFileError {
  path: string;
  /** 1-based line, null when the problem is not tied to a line. */
  line: number | null;
  column: number | null;
  kind: 'syntax' | 'duplicate-key' | 'too-large' | 'binary' | 'unreadable' | 'refused' | 'not-a-runner-config';
  /** Safe, source-free description. */
  message: string;
}

/** `.runner_system_id` next to a config.toml. */
export interface SystemIdFacts {
  /** secretFingerprint of the id, so two hosts sharing one id (a cloned disk) can be spotted. */
  fingerprint: string;
  /** `machine` (s_ + hash of machine-id), `random` (r_), `invalid` (any other shape). */
  kind: 'machine' | 'random' | 'invalid';
  /**
   * For a `machine` id: whether it is the one the runner derives from this host's machine-id
   * (`s_` + 12 hex of HMAC-SHA256(machine-id, "gitlab-runner")). False means the config directory
   * was copied from another machine (a cloned runner). Null when it cannot be told.
   */
  matchesMachineId: boolean | null;
}

/** One config.toml and what the runner would make of it. */
export interface RunnerConfigFile {
  /** Host path (relative to the host root). */
  path: string;
  /** Every way this file was found. */
  foundBy: DiscoverySource[];
  /** null when the file could not be stat'ed. */
  file: FileOwnership | null;
  /** The directory holding the file. */
  directory: FileOwnership | null;
  sizeBytes: number | null;
  /** `ok` when parsed; otherwise the matching entry in `RunnerFacts.errors` says why. */
  status: 'ok' | 'error';
  /** Who jobs of this config run as, from the launches that read it. */
  execution: JobExecution;
  /** `concurrent`, null when unset. */
  concurrent: number | null;
  /** `listen_address` (metrics/debug server), after `--listen-address` override; null = disabled. */
  listenAddress: string | null;
  /** `[session_server] listen_address`, null = session server disabled. */
  sessionServerListenAddress: string | null;
  logLevel: string | null;
  runners: RunnerEntry[];
  ineffectiveKeys: IneffectiveKey[];
  /** Plaintext secrets outside `[[runners]]` (e.g. `sentry_dsn`). */
  secrets: PlaintextSecret[];
  /** `.runner_system_id` in the same directory, null when absent. */
  systemId: SystemIdFacts | null;
}

/** The gitlab-runner binary and its version. */
export interface RunnerBinary {
  /** Host path of the binary, null when none was found. */
  path: string | null;
  /**
   * `ok`: version read; `not-found`; `not-live`: the host root is not `/`, so the binary was not run;
   * `error`: it ran but gave no version (message says why).
   */
  status: 'ok' | 'not-found' | 'not-live' | 'error';
  /** `Version:` line, e.g. `17.3.1`, null when unknown. */
  version: string | null;
  /** `Git revision:` line. */
  revision: string | null;
  message: string | null;
}

/** Facts about gitlab-runner installs: every place searched, every launch, every config. */
export interface RunnerFacts {
  /** Every location searched, found or not, so "no runner found" is an honest answer. */
  searched: SearchedLocation[];
  /** Running `gitlab-runner run` processes and the systemd unit(s). */
  launches: RunnerLaunch[];
  /** Every config.toml found, parsed or not. */
  configs: RunnerConfigFile[];
  /** Read and parse problems, one per file (and per bad line), so one broken file hides nothing else. */
  errors: RunnerFileError[];
  binary: RunnerBinary;
  /** secretFingerprint of /etc/machine-id (or /var/lib/dbus/machine-id), null when absent. */
  machineIdFingerprint: string | null;
}
