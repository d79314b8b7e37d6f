import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../../agent/core/judge.js';
import type { Facts } from '../../agent/core/facts.js';
import type { ScanResult } from '../../agent/core/result.js';
import { dockerChecks } from '../../checks/docker/index.js';
import { dockerCollector } from '../../collectors/docker/index.js';
import type { DockerFacts } from '../../collectors/docker/types.js';
import { DEFAULT_SOCKET, TestEngine, collectorContext, engineAnswers } from '../helpers/docker.js';

/**
 * Against the real dockerd that test/setup.d/20-docker.sh starts. Without an engine these tests
 * are skipped on a workstation but FAIL under CI: a green run must mean they ran.
 */
const engineUp = await engineAnswers(DEFAULT_SOCKET);
const suite = engineUp || process.env.CI ? describe : describe.skip;

const runnerLabels = (job: string, project: string) => ({
  'com.gitlab.gitlab-runner.job.id': job,
  'com.gitlab.gitlab-runner.project.id': project,
  'com.gitlab.gitlab-runner.runner.id': 'rwtestRn1',
  'com.gitlab.gitlab-runner.managed': 'true',
  'com.gitlab.gitlab-runner.type': 'build',
});

suite('docker collector and checks against a real dockerd', () => {
  const engine = new TestEngine();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-docker-int-'));
  let facts: DockerFacts;
  let snapshot: Facts;
  let result: ScanResult;
  const name = (suffix: string) => engine.containerName(suffix);

  beforeAll(async () => {
    if (!engineUp) throw new Error(`no Docker engine answers on ${DEFAULT_SOCKET}: run test/setup.d/20-docker.sh as root first`);
    const cacheVolume = await engine.createVolume('cache', {
      'com.gitlab.gitlab-runner.type': 'cache',
      'com.gitlab.gitlab-runner.project.id': '11',
      'com.gitlab.gitlab-runner.runner.id': 'rwtestRn1',
      'com.gitlab.gitlab-runner.destination': '/cache',
      'com.gitlab.gitlab-runner.protected': 'false',
    });
    // --privileged containers cannot start on these machines, but a runner-created one is judged as created.
    await engine.createContainer({ name: 'priv-job', labels: runnerLabels('501', '11'), hostConfig: { Privileged: true }, start: false });
    await engine.createContainer({ name: 'priv-idle', hostConfig: { Privileged: true }, start: false });
    await engine.createContainer({ name: 'sock', labels: runnerLabels('502', '11'), env: ['CI_JOB_TOKEN=canary-job-token'], hostConfig: { Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro', `${cacheVolume}:/cache`] } });
    await engine.createContainer({ name: 'cache-other', labels: runnerLabels('601', '12'), hostConfig: { Binds: [`${cacheVolume}:/cache`] } });
    await engine.createContainer({ name: 'capadd', labels: runnerLabels('503', '11'), hostConfig: { CapAdd: ['SYS_ADMIN'] } });
    await engine.createContainer({ name: 'hostnet', hostConfig: { NetworkMode: 'host' } });
    await engine.createContainer({ name: 'hostpid', hostConfig: { PidMode: 'host' } });
    await engine.createContainer({ name: 'seccomp', hostConfig: { SecurityOpt: ['seccomp=unconfined'] } });
    await engine.createContainer({ name: 'etc', hostConfig: { Binds: ['/etc:/host-etc:ro'] } });
    await engine.createContainer({ name: 'kvm', hostConfig: { Devices: [{ PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' }] } });
    await engine.createContainer({ name: 'plain' });

    facts = await dockerCollector.collect(collectorContext({ root }));
    snapshot = {
      schemaVersion: 1,
      tool: { name: 'runner-warden', version: 'test' },
      host: { hostname: 'runner-01', machineId: null },
      root,
      collectedAt: { start: '2026-11-29T00:00:00.000Z', end: '2026-11-29T00:00:01.000Z' },
      collectors: [{ name: 'docker-engine', provides: 'docker', status: 'ok', durationMs: 1 }],
      domains: { docker: facts },
    };
    result = judge(snapshot, dockerChecks, []);
  });

  afterAll(async () => {
    if (engineUp) await engine.cleanup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('collects every container of the run with what matters of its inspect, never its environment', () => {
    const ours = facts.containers.filter((c) => c.name.startsWith(`${engine.runId}-`));
    expect(ours.map((c) => c.name).sort()).toEqual(['cache-other', 'capadd', 'etc', 'hostnet', 'hostpid', 'kvm', 'plain', 'priv-idle', 'priv-job', 'seccomp', 'sock'].map(name));
    const sock = ours.find((c) => c.name === name('sock'));
    expect(sock).toMatchObject({ running: true, job: { jobId: '502', projectId: '11', runnerShortToken: 'rwtestRn1', managed: true, type: 'build' } });
    expect(sock?.pid).toBeGreaterThan(0);
    expect(sock?.mounts).toContainEqual({ type: 'bind', source: '/var/run/docker.sock', destination: '/var/run/docker.sock', volumeName: null, readOnly: true });
    expect(ours.find((c) => c.name === name('priv-job'))).toMatchObject({ state: 'created', running: false, privileged: true });
    expect(JSON.stringify(facts)).not.toContain('canary');
    expect(facts.engine?.version).not.toBe('');
    expect(facts.images.some((image) => image.tags.includes('runner-warden-test/busybox:latest'))).toBe(true);
  });

  it('reports exactly the findings of the risky containers and the shared cache volume', () => {
    const ours = result.findings
      .filter((f) => f.subject.id.startsWith(`${engine.runId}-`))
      .map((f) => `${f.checkId} | ${f.severity} | ${f.subject.kind}:${f.subject.id.slice(engine.runId.length + 1)} | ${f.message.replaceAll(`${engine.runId}-`, '')}`)
      .sort();
    expect(ours).toEqual([
      'docker-dangerous-capabilities | critical | container:capadd | job 503 of project 11 on runner rwtestRn1 runs with capability SYS_ADMIN: mount, namespaces, cgroup release agents: the classic escape',
      'docker-host-devices | medium | container:kvm | container kvm runs with host device /dev/kvm: a host kernel interface jobs can abuse',
      "docker-host-namespaces | critical | container:hostpid | container hostpid runs in the host pid namespace: it sees and signals every host process, and reads their /proc (environment of other jobs' processes)",
      "docker-host-namespaces | high | container:hostnet | container hostnet runs in the host network namespace: it reaches every service listening on the host's loopback and interfaces (dockerd on tcp, metrics, metadata)",
      'docker-privileged-container | critical | container:priv-job | job 501 of project 11 on runner rwtestRn1 was created privileged',
      'docker-runner-volume-shared | medium | volume:cache | runner cache volume cache serves 2 projects (11, 12)',
      'docker-security-profile-unconfined | high | container:seccomp | container seccomp runs with seccomp turned off',
      'docker-sensitive-host-mount | medium | container:etc | container etc runs with host path /etc mounted read-only: host configuration (passwd, shadow, sudoers, cron)',
      'docker-socket-mounted | critical | container:sock | job 502 of project 11 on runner rwtestRn1 runs with the runtime socket /var/run/docker.sock mounted',
    ]);
  });

  it('attaches the runner to job findings', () => {
    const privileged = result.findings.find((f) => f.subject.id === name('priv-job'));
    expect(privileged?.runner).toEqual({ name: 'runner rwtestRn1', id: null });
  });

  it('leaves out the container the agent would run in', async () => {
    const own = facts.containers.find((c) => c.name === name('capadd'));
    const asSelf: DockerFacts = { ...facts, self: { containerId: own?.id ?? null, detectedBy: 'cgroup' } };
    const rejudged = judge({ ...snapshot, domains: { docker: asSelf } }, dockerChecks, []);
    expect(rejudged.findings.some((f) => f.subject.id === name('capadd'))).toBe(false);
    expect(rejudged.findings.some((f) => f.subject.id === name('sock'))).toBe(true);
  });

  it('cleans up only what this run created', async () => {
    const other = new TestEngine();
    const survivor = await other.createContainer({ name: 'survivor', start: false });
    try {
      const scratch = new TestEngine();
      await scratch.createContainer({ name: 'scratch', start: false });
      await scratch.cleanup();
      const names = (await other.docker.listContainers({ all: true })).flatMap((c) => c.Names);
      expect(names).toContain(`/${survivor.name}`);
      expect(names).not.toContain(`/${scratch.containerName('scratch')}`);
    } finally {
      await other.cleanup();
    }
  });
});
