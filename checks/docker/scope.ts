import { findingsOrPass, type CheckOutcome, type FactsWith, type FindingDraft, type RunnerRef, type Subject } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import type { ContainerFacts, ContainerMount, DockerFacts } from '../../collectors/docker/types.js';
import type { RunnerFacts } from '../../collectors/runner/types.js';

/**
 * Shared reading of docker facts for the container checks: which containers are judged, how a
 * container is named in a finding, and which mounts expose a container runtime socket.
 */

/** Not applicable when no engine answered: there are no containers to judge. */
export function engineMissing(docker: DockerFacts): CheckOutcome | null {
  if (docker.available) return null;
  const why = docker.unavailable ? `${docker.unavailable.reason}: ${docker.unavailable.detail}` : 'no engine answered';
  return { status: 'not-applicable', reason: `no Docker engine at ${docker.endpoint} (${why})` };
}

/**
 * Not applicable when Docker is not on this host: no engine answered and neither its daemon.json
 * nor a docker.service exists, so there are no daemon settings to judge.
 */
export function daemonMissing(docker: DockerFacts): CheckOutcome | null {
  if (docker.engine !== null || docker.daemon.configFile.present || docker.daemon.units.length > 0) return null;
  return { status: 'not-applicable', reason: 'no Docker engine, daemon.json or docker.service found' };
}

/**
 * Containers whose settings matter: those running now, and those gitlab-runner created (their
 * settings come from the runner's config, so the next job gets them too). runner-warden's own
 * container is left out.
 */
export function judgedContainers(docker: DockerFacts): ContainerFacts[] {
  const self = docker.self.containerId;
  return docker.containers.filter((c) => (c.running || c.job !== null) && c.id !== self);
}

/**
 * The config.toml runner a job container came from: its label carries the runner's short token,
 * the runner facts carry fingerprints of each token's short forms, so they meet without either
 * side keeping the token.
 */
function configuredRunner(c: ContainerFacts, runners: RunnerFacts | undefined): RunnerRef | undefined {
  const short = c.job?.runnerShortToken;
  if (!short || !runners) return undefined;
  const fingerprint = secretFingerprint(short);
  for (const config of runners.configs) {
    const entry = config.runners.find((r) => r.token?.shortTokenFingerprints.includes(fingerprint));
    if (entry) return { name: entry.name || `runners[${entry.index}]`, id: entry.token?.fingerprint ?? null, configPath: config.path };
  }
  return undefined;
}

/**
 * "job 7 of project 42 on runner docker-1 (abcd1234)", or "container web-1" for containers no
 * runner made. The short token is what GitLab itself prints in every job log, not a secret.
 */
export function describeContainer(c: ContainerFacts, runners?: RunnerFacts): string {
  const job = c.job;
  if (!job) return `container ${c.name}`;
  const what = job.jobId ? `job ${job.jobId}` : `gitlab-runner container ${c.name}`;
  const project = job.projectId ? ` of project ${job.projectId}` : '';
  const configured = configuredRunner(c, runners);
  const runner = job.runnerShortToken ? ` on runner ${configured ? `"${configured.name}" (${job.runnerShortToken})` : job.runnerShortToken}` : '';
  return `${what}${project}${runner}`;
}

/** "runs" for a live container, "was created" for a stopped one a runner made. */
export function verb(c: ContainerFacts): string {
  return c.running ? 'runs' : 'was created';
}

export function containerSubject(c: ContainerFacts, runners?: RunnerFacts): Subject {
  return { kind: 'container', id: c.name || c.id.slice(0, 12), label: describeContainer(c, runners) };
}

/** The runner a job container belongs to: the config.toml entry when one matches, else its short token. */
export function containerRunner(c: ContainerFacts, runners?: RunnerFacts): RunnerRef | undefined {
  const short = c.job?.runnerShortToken;
  if (!short) return undefined;
  return configuredRunner(c, runners) ?? { name: `runner ${short}`, id: null };
}

/** What a container check says about one container; the container's name, verb and runner are added for it. */
export interface ContainerReport {
  /** Follows "<container> runs" / "<container> was created", e.g. "privileged" or "with host device /dev/sda: …". */
  what: string;
  evidence: string;
  severity?: Severity;
  key?: string;
}

/**
 * The findings a judge reports on the judged containers, each named, worded and tied to its
 * runner the same way: "<container> <verb> <what>".
 */
export function containerFindings(
  facts: FactsWith<'docker'>,
  judge: (container: ContainerFacts, report: (finding: ContainerReport) => void) => void,
): FindingDraft[] {
  const runners = facts.domains.runner;
  const findings: FindingDraft[] = [];
  for (const c of judgedContainers(facts.domains.docker)) {
    judge(c, ({ what, evidence, severity, key }) => {
      findings.push({
        subject: containerSubject(c, runners),
        message: `${describeContainer(c, runners)} ${verb(c)} ${what}`,
        evidence,
        ...(severity === undefined ? {} : { severity }),
        runner: containerRunner(c, runners),
        ...(key === undefined ? {} : { key }),
      });
    });
  }
  return findings;
}

/** A check that judges containers one by one: not applicable without an engine, else its findings or a pass. */
export function judgeContainers(
  facts: FactsWith<'docker'>,
  judge: (container: ContainerFacts, report: (finding: ContainerReport) => void) => void,
): CheckOutcome {
  return engineMissing(facts.domains.docker) ?? findingsOrPass(containerFindings(facts, judge));
}

export function isJobContainer(c: ContainerFacts): boolean {
  return c.job !== null;
}

/** Well-known container runtime sockets (Docker, containerd, CRI-O, Podman, rootless Docker). */
const RUNTIME_SOCKETS = [
  /^\/(?:var\/)?run\/docker\.sock$/,
  /^\/(?:var\/)?run\/containerd\/containerd\.sock$/,
  /^\/(?:var\/)?run\/crio\/crio\.sock$/,
  /^\/(?:var\/)?run\/podman\/podman\.sock$/,
  /^\/run\/user\/\d+\/docker\.sock$/,
  /^\/run\/user\/\d+\/podman\/podman\.sock$/,
];

function normalisePath(path: string): string {
  const trimmed = path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return trimmed === '' ? '/' : trimmed;
}

/** The sockets the daemon itself listens on (unix:// hosts in daemon.json or the unit). */
function daemonSockets(docker: DockerFacts): string[] {
  return docker.daemon.hosts.filter((h) => h.scheme === 'unix').map((h) => normalisePath(h.address.slice('unix://'.length)));
}

/**
 * If this bind mount hands a runtime socket to the container, the socket it exposes: the socket
 * itself, or a directory holding it (`/var/run`, `/run`, `/run/containerd`).
 */
export function exposedSocket(mount: ContainerMount, docker: DockerFacts): string | null {
  if (mount.type !== 'bind') return null;
  const source = normalisePath(mount.source);
  const known = [...daemonSockets(docker), '/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock', '/run/crio/crio.sock', '/run/podman/podman.sock'];
  if (RUNTIME_SOCKETS.some((re) => re.test(source)) || known.includes(source)) return source;
  if (source === '/') return null; // the whole root is a host-path finding, not a socket one
  return known.find((socket) => socket.startsWith(`${source}/`)) ?? null;
}

/** Bind mounts only: volumes and tmpfs are not host paths. */
export function hostBinds(c: ContainerFacts): ContainerMount[] {
  return c.mounts.filter((m) => m.type === 'bind');
}

export function normaliseHostPath(path: string): string {
  return normalisePath(path);
}
