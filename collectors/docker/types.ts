/**
 * Facts about the Docker engine of a runner host: the daemon's settings (from its API,
 * daemon.json and systemd unit), every container with what matters of its inspect, the
 * cached images and the runner's volumes. Filled in by the docker collector.
 *
 * Every string that came from the engine or the host went through `safeText`. A container's
 * environment (`Config.Env`) is never collected: job secrets live there.
 */
export interface DockerFacts {
  /** False when no engine answered on the endpoint; `unavailable` then says why. */
  available: boolean;
  /** The endpoint used: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`, ... */
  endpoint: string;
  /** Why the engine could not be reached (null when it answered). */
  unavailable: DockerUnavailable | null;
  /** Engine version and `/info`; null when the engine did not answer. */
  engine: DockerEngineFacts | null;
  /** Daemon settings read from files under the host root; collected even when the engine is down. */
  daemon: DaemonSettingsFacts;
  /** Every container (running or not), as far as the list and the inspects succeeded. */
  containers: ContainerFacts[];
  /** Cached images. */
  images: ImageFacts[];
  /** Volumes gitlab-runner created (labelled `com.gitlab.gitlab-runner.*`); other volumes are only counted. */
  runnerVolumes: RunnerVolumeFacts[];
  /** Count of volumes that gitlab-runner did not label. */
  otherVolumeCount: number;
  /** runner-warden's own container, if it runs in one: its findings are left out. */
  self: SelfContainerFacts;
  /** What failed during collection; the rest of the facts are still judged. */
  problems: DockerProblem[];
}

export interface DockerUnavailable {
  /**
   * `no-socket`: the socket path does not exist; `denied`: permission denied; `refused`: nothing
   * listens; `timeout`: the engine did not answer within the request budget; `disabled`: turned off in
   * runner-warden's config (`docker.enabled = false`); `error`: anything else.
   */
  reason: 'no-socket' | 'denied' | 'refused' | 'timeout' | 'disabled' | 'error';
  /** Sanitised detail (error code or message). */
  detail: string;
}

export interface DockerEngineFacts {
  /** Engine version (`/version` Version), e.g. `26.1.5+dfsg1`. */
  version: string;
  /** Engine API version, e.g. `1.45`. */
  apiVersion: string;
  /** Kernel version the engine reports. */
  kernelVersion: string;
  /** seccomp is enabled in the daemon (`SecurityOptions` has `name=seccomp`). */
  seccomp: boolean;
  /** The daemon's default seccomp profile name (`builtin`, `default`, `unconfined`), when reported. */
  seccompProfile: string | null;
  /** AppArmor is enabled in the daemon (`name=apparmor`). */
  apparmor: boolean;
  /** SELinux is enabled in the daemon (`name=selinux`). */
  selinux: boolean;
  /** User namespace remapping is active (`name=userns`). */
  userns: boolean;
  /** The daemon runs rootless (`name=rootless`). */
  rootless: boolean;
  /** cgroup version the engine reports (`1`, `2`), null when absent. */
  cgroupVersion: string | null;
  /** `LiveRestoreEnabled` from `/info`. */
  liveRestore: boolean;
  /** `DockerRootDir`, e.g. `/var/lib/docker`. */
  rootDir: string;
  /** Registry CIDRs the engine treats as insecure (`RegistryConfig.InsecureRegistryCIDRs`). */
  insecureRegistryCidrs: string[];
  /** Registries (index configs) marked not secure (`IndexConfigs[*].Secure == false`). */
  insecureRegistries: string[];
  /** Container counts `/info` reports (may differ from `containers` when the list failed). */
  containerCount: number;
  /** Warnings the engine prints in `/info` (e.g. API accessible on tcp without encryption). */
  warnings: string[];
  /**
   * TCP API listeners the engine itself warns about in `/info`: without TLS (`tls: false`) or with
   * TLS but no client verification (`tls: true`). Catches listeners configured where no file here
   * says so (`/etc/default/docker`, another unit, a command line).
   */
  unverifiedTcpListeners: { address: string; tls: boolean }[];
}

/** How the daemon is configured on disk: `daemon.json` and the systemd unit's `-H` flags. */
export interface DaemonSettingsFacts {
  /** `/etc/docker/daemon.json` under the host root. */
  configFile: DaemonJsonFacts;
  /** docker.service and its drop-ins that were found, with the hosts their `ExecStart` passes by `-H`. */
  units: DaemonUnitFacts[];
  /** Every API listener the daemon is configured with, from daemon.json and the units together. */
  hosts: DaemonHostFacts[];
}

export interface DaemonJsonFacts {
  /** Host path read. */
  path: string;
  /** The file exists and was read. */
  present: boolean;
  /** Why it could not be read or parsed (null when fine or absent). */
  error: string | null;
  /** `hosts` entries. */
  hosts: string[];
  /** `tls` (null when unset). */
  tls: boolean | null;
  /** `tlsverify` (null when unset). */
  tlsVerify: boolean | null;
  /** `userns-remap` value (null when unset or empty). */
  usernsRemap: string | null;
  /** `icc` (null when unset: Docker's default is true). */
  icc: boolean | null;
  /** `no-new-privileges` (null when unset: default false). */
  noNewPrivileges: boolean | null;
  /** `live-restore` (null when unset: default false). */
  liveRestore: boolean | null;
  /** `insecure-registries` entries. */
  insecureRegistries: string[];
  /** `seccomp-profile` (null when unset). */
  seccompProfile: string | null;
}

export interface DaemonUnitFacts {
  /** Host path of the unit file or drop-in. */
  path: string;
  /** Hosts from `-H`/`--host` on its last effective `ExecStart`. */
  hosts: string[];
  /** `--tlsverify` is on that command line. */
  tlsVerify: boolean;
  /** `--tls` is on that command line. */
  tls: boolean;
}

export interface DaemonHostFacts {
  /** The address as configured, e.g. `tcp://0.0.0.0:2375`, `unix:///var/run/docker.sock`, `fd://`. */
  address: string;
  /** Its scheme: `tcp`, `unix`, `fd`, `ssh`, ... (`tcp` when a bare `host:port` is given). */
  scheme: string;
  /** For tcp: the host part (empty = all interfaces). */
  host: string | null;
  /** For tcp: the port (null when unset: Docker uses 2375, or 2376 with TLS). */
  port: number | null;
  /** Where it was configured: the daemon.json or unit file path. */
  source: string;
  /** TLS client verification is on for this listener (`tlsverify` from the same source). */
  tlsVerify: boolean;
  /** TLS (server side only) is on for this listener. */
  tls: boolean;
}

export interface ContainerFacts {
  /** Full container id. */
  id: string;
  /** Name without the leading slash. */
  name: string;
  /** Image reference the container was created from (`Config.Image`). */
  image: string;
  /** Image id (`sha256:...`). */
  imageId: string;
  /** `created`, `running`, `exited`, `paused`, `restarting`, `removing`, `dead`. */
  state: string;
  /** True when the container runs (or is paused/restarting): its settings are live. */
  running: boolean;
  /** Host pid of its init process when running (lets the network helper enter its namespaces). */
  pid: number | null;
  /** Creation time (ISO 8601). */
  created: string;
  /** `HostConfig.Privileged`. */
  privileged: boolean;
  /** Capabilities added, upper case without `CAP_` (`ALL` kept as is). */
  capAdd: string[];
  /** Capabilities dropped, same form. */
  capDrop: string[];
  /** `HostConfig.SecurityOpt` entries (`seccomp=unconfined`, `apparmor=unconfined`, `no-new-privileges`, ...). */
  securityOpt: string[];
  /** AppArmor profile the engine applied (`docker-default`, `unconfined`, empty when none). */
  appArmorProfile: string;
  /** `no-new-privileges` is set on the container (via security options). */
  noNewPrivileges: boolean;
  /** `HostConfig.PidMode` (`""`, `host`, `container:<id>`). */
  pidMode: string;
  /** `HostConfig.IpcMode` (`private`, `shareable`, `host`, `container:<id>`, ...). */
  ipcMode: string;
  /** `HostConfig.NetworkMode` (`bridge`, `host`, `none`, `container:<id>`, a network name). */
  networkMode: string;
  /** `HostConfig.UTSMode` (`""` or `host`). */
  utsMode: string;
  /** `HostConfig.UsernsMode` (`""` or `host`). */
  usernsMode: string;
  /** `HostConfig.CgroupnsMode` (`private`, `host`, `""`). */
  cgroupnsMode: string;
  /** Host devices passed in (`HostConfig.Devices`). */
  devices: ContainerDevice[];
  /** `HostConfig.DeviceCgroupRules` (e.g. `a *:* rwm`). */
  deviceCgroupRules: string[];
  /** Bind mounts, volumes and tmpfs, from `Mounts` (what the engine actually mounted). */
  mounts: ContainerMount[];
  /** `Config.User`; empty means the image's user (usually root). */
  user: string;
  /** `HostConfig.ReadonlyRootfs`. */
  readOnlyRootfs: boolean;
  /** The gitlab-runner job this container belongs to (from its labels), null for other containers. */
  job: RunnerJobLabels | null;
  /** How many labels the container has (labels themselves are not kept, except gitlab-runner's). */
  labelCount: number;
}

export interface ContainerDevice {
  /** Device on the host, e.g. `/dev/sda`. */
  hostPath: string;
  /** Path inside the container. */
  containerPath: string;
  /** cgroup permissions, e.g. `rwm`. */
  permissions: string;
}

export interface ContainerMount {
  /** `bind`, `volume`, `tmpfs`, `npipe`, `cluster`, `image`. */
  type: string;
  /** Host path for binds; the volume's directory for volumes; empty for tmpfs. */
  source: string;
  /** Path inside the container. */
  destination: string;
  /** Volume name for volumes, null otherwise. */
  volumeName: string | null;
  /** Mounted read-only. */
  readOnly: boolean;
}

/** What gitlab-runner's `com.gitlab.gitlab-runner.*` labels say about a container or volume. */
export interface RunnerJobLabels {
  /** `runner.id`: the runner's short token (first characters, shown in GitLab's UI; not a secret). */
  runnerShortToken: string | null;
  /** `project.id`. */
  projectId: string | null;
  /** `job.id`. */
  jobId: string | null;
  /** `job.url`. */
  jobUrl: string | null;
  /** `pipeline.id`. */
  pipelineId: string | null;
  /** `job.ref` (branch or tag). */
  ref: string | null;
  /** `type`: `build`, `service`, `predefined`, `cache`, ... */
  type: string | null;
  /** `managed` is `true`: the runner created (and will remove) it. */
  managed: boolean;
}

export interface ImageFacts {
  /** Image id (`sha256:...`). */
  id: string;
  /** Repo tags (`registry.example.com/team/app:1.2`), the first 64; empty for dangling images. */
  tags: string[];
  /** How many repo tags the image has (all of them count for `registries` and `looksPrivate`). */
  tagCount: number;
  /** Repo digests (`repo@sha256:...`), the first 64. */
  digests: string[];
  /** Registry hosts of its tags and digests (`docker.io` for Docker Hub references). */
  registries: string[];
  /**
   * True when some reference names a registry other than Docker Hub, so the image may be private
   * ("private" cannot be proven from the host). GitLab's public runner helper images do not count.
   */
  looksPrivate: boolean;
  /** Size in bytes. */
  sizeBytes: number;
  /** Creation time (ISO 8601), null when unknown. */
  created: string | null;
}

export interface RunnerVolumeFacts {
  /** Volume name, e.g. `runner-abc123-project-42-concurrent-0-cache-...`. */
  name: string;
  /** Volume driver (`local`, ...). */
  driver: string;
  /** Creation time as the engine reports it, null when absent. */
  created: string | null;
  /** gitlab-runner's labels on the volume (type, project, runner, ...). */
  labels: RunnerJobLabels;
  /** `destination` label: where jobs mount it (`/cache`, `/builds`). */
  destination: string | null;
  /** `protected` label: `true` for protected-ref volumes (runner 18.4+), null when absent. */
  protectedRef: boolean | null;
  /** Projects it serves: its own label plus the projects of job containers that mount it. */
  projectIds: string[];
  /** Runners (short tokens) it serves, the same way. */
  runnerShortTokens: string[];
}

export interface SelfContainerFacts {
  /** Id of the container runner-warden runs in (from /proc/self/cgroup, mountinfo or hostname), null on the host. */
  containerId: string | null;
  /** How it was recognised: `cgroup`, `mountinfo`, `hostname`, or null. */
  detectedBy: 'cgroup' | 'mountinfo' | 'hostname' | null;
}

export interface DockerProblem {
  /** What was being done: `connect`, `version`, `info`, `containers`, `inspect`, `images`, `volumes`, `daemon.json`, `unit`, `self`. */
  stage: string;
  /** `timeout`, `denied`, `vanished` (gone between list and inspect), `api` (engine error), `too-large`, `malformed`, `limit`, `io`. */
  kind: 'timeout' | 'denied' | 'vanished' | 'api' | 'too-large' | 'malformed' | 'limit' | 'io';
  /** The container, file or resource concerned, when there is one. */
  subject: string | null;
  /** Sanitised detail. */
  message: string;
}
