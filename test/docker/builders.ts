import type { Check } from '../../agent/core/check.js';
import type { Facts } from '../../agent/core/facts.js';
import { judge } from '../../agent/core/judge.js';
import type { ScanResult } from '../../agent/core/result.js';
import { emptyDockerFacts } from '../../collectors/docker/empty.js';
import type { ContainerFacts, DockerFacts, RunnerJobLabels } from '../../collectors/docker/types.js';
import type { RunnerFacts } from '../../collectors/runner/types.js';

/** A plain running container with Docker's defaults; override what a case is about. */
export function container(overrides: Partial<ContainerFacts> = {}): ContainerFacts {
  return {
    id: 'a'.repeat(64),
    name: 'web-1',
    image: 'nginx:1.27',
    imageId: 'sha256:' + 'b'.repeat(64),
    state: 'running',
    running: true,
    pid: 4242,
    created: '2026-11-01T10:00:00.000Z',
    privileged: false,
    capAdd: [],
    capDrop: [],
    securityOpt: [],
    appArmorProfile: 'docker-default',
    noNewPrivileges: false,
    pidMode: '',
    ipcMode: 'private',
    networkMode: 'bridge',
    utsMode: '',
    usernsMode: '',
    cgroupnsMode: 'private',
    devices: [],
    deviceCgroupRules: [],
    mounts: [],
    user: '',
    readOnlyRootfs: false,
    job: null,
    labelCount: 0,
    ...overrides,
  };
}

export function jobLabels(overrides: Partial<RunnerJobLabels> = {}): RunnerJobLabels {
  return { runnerShortToken: 'xY9zAbCd1', projectId: '42', jobId: '1234', jobUrl: null, pipelineId: '99', ref: 'main', type: 'build', managed: true, ...overrides };
}

/** A job container of runner xY9zAbCd1, project 42, job 1234. */
export function jobContainer(overrides: Partial<ContainerFacts> = {}): ContainerFacts {
  return container({ id: 'c'.repeat(64), name: 'runner-xY9zAbCd1-project-42-concurrent-0-build', image: 'alpine:3.20', job: jobLabels(), labelCount: 8, ...overrides });
}

/** An answering engine with seccomp, nothing configured on disk, and the given parts. */
export function dockerFacts(overrides: Partial<DockerFacts> = {}): DockerFacts {
  const facts = emptyDockerFacts('unix:///var/run/docker.sock');
  facts.available = true;
  facts.engine = {
    version: '27.5.1',
    apiVersion: '1.47',
    kernelVersion: '6.1.0',
    seccomp: true,
    seccompProfile: 'builtin',
    apparmor: true,
    selinux: false,
    userns: false,
    rootless: false,
    cgroupVersion: '2',
    liveRestore: false,
    rootDir: '/var/lib/docker',
    insecureRegistryCidrs: ['127.0.0.0/8'],
    insecureRegistries: [],
    containerCount: 0,
    warnings: [],
    unverifiedTcpListeners: [],
  };
  return { ...facts, ...overrides };
}

/** A facts snapshot with the given domains. */
export function snapshot(domains: { docker?: DockerFacts; runner?: RunnerFacts }): Facts {
  return {
    schemaVersion: 1,
    tool: { name: 'runner-warden', version: 'test' },
    host: { hostname: 'runner-01', machineId: 'fp1:0000000000000000' },
    root: '/',
    collectedAt: { start: '2026-11-29T06:00:00.000Z', end: '2026-11-29T06:00:01.000Z' },
    collectors: [
      { name: 'docker-engine', provides: 'docker', status: domains.docker ? 'ok' : 'error', durationMs: 1, ...(domains.docker ? {} : { message: 'boom' }) },
      { name: 'runner-config', provides: 'runner', status: domains.runner ? 'ok' : 'error', durationMs: 1, ...(domains.runner ? {} : { message: 'boom' }) },
    ],
    domains,
  };
}

/** Judges one check on the facts: its result and its findings (engine-sanitised). */
export function run(check: Check, facts: Facts): { status: string; reason?: string; findings: ScanResult['findings'] } {
  const result = judge(facts, [check], []);
  const checkResult = result.checks[0];
  return { status: checkResult?.status ?? 'missing', ...(checkResult?.reason ? { reason: checkResult.reason } : {}), findings: result.findings };
}

/** The parts of findings tests compare: severity, subject, message. */
export function summary(findings: ScanResult['findings']): { severity: string; subject: string; message: string }[] {
  return findings.map((f) => ({ severity: f.severity, subject: `${f.subject.kind}:${f.subject.id}`, message: f.message }));
}
