import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerPrivilegedContainer } from '../../checks/docker/docker-privileged-container.js';
import { parseContainerInspect } from '../../collectors/docker/containers.js';
import { readDaemonSettings } from '../../collectors/docker/daemon-config.js';
import { resolveEndpoint } from '../../collectors/docker/endpoint.js';
import { EngineError, classifyTransportError } from '../../collectors/docker/engine-client.js';
import { parseEngineInfo } from '../../collectors/docker/engine-info.js';
import { registryOf } from '../../collectors/docker/images.js';
import type { Json } from '../../collectors/docker/json.js';
import { detectSelfContainer, selfByHostname } from '../../collectors/docker/self.js';
import type { DockerProblem } from '../../collectors/docker/types.js';
import { SyntheticHost } from '../helpers/host.js';
import { dockerFacts, run, snapshot, summary } from './builders.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/docker');
const fixture = (name: string): Json => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Json;

describe('container inspect (recorded from dockerd)', () => {
  it('reads a created privileged job container and never its environment', () => {
    const facts = parseContainerInspect(fixture('inspect-privileged-created.json'));
    expect(facts).toMatchObject({
      name: 'runner-xY9zAbCd1-project-42-concurrent-0-abc-build',
      image: 'runner-warden-test/busybox:latest',
      state: 'created',
      running: false,
      pid: null,
      privileged: true,
      job: { runnerShortToken: 'xY9zAbCd1', projectId: '42', jobId: '1234', pipelineId: '99', ref: 'main', type: 'build', managed: true, jobUrl: 'https://gitlab.example.com/group/app/-/jobs/1234' },
      labelCount: 8,
    });
    expect(JSON.stringify(facts)).not.toContain('canary');
  });

  it('judges a running privileged job container as the page describes it', () => {
    const container = parseContainerInspect(fixture('inspect-privileged-running.json'));
    expect(container.running).toBe(true);
    expect(container.pid).toBeGreaterThan(0);
    const outcome = run(dockerPrivilegedContainer, snapshot({ docker: dockerFacts({ containers: [container] }) }));
    expect(summary(outcome.findings)).toEqual([
      { severity: 'critical', subject: 'container:runner-xY9zAbCd1-project-42-concurrent-0-def-build', message: 'job 1234 of project 42 on runner xY9zAbCd1 runs privileged' },
    ]);
    expect(outcome.findings[0]?.runner).toEqual({ name: 'runner xY9zAbCd1', id: null });
    expect(JSON.stringify(outcome)).not.toContain('canary');
  });

  it('normalises capabilities and reads no-new-privileges', () => {
    const inspect = fixture('inspect-privileged-running.json');
    const host = inspect.HostConfig as Json;
    host.CapAdd = ['CAP_SYS_ADMIN', 'net_admin'];
    host.CapDrop = ['ALL'];
    host.SecurityOpt = ['no-new-privileges:true', 'seccomp=unconfined'];
    const facts = parseContainerInspect(inspect);
    expect(facts.capAdd).toEqual(['SYS_ADMIN', 'NET_ADMIN']);
    expect(facts.capDrop).toEqual(['ALL']);
    expect(facts.noNewPrivileges).toBe(true);
  });
});

describe('engine info', () => {
  it('reads security options, cgroup version and insecure registries', () => {
    const engine = parseEngineInfo(
      { Version: '26.1.5+dfsg1', ApiVersion: '1.45' },
      {
        SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=userns', 'name=cgroupns'],
        CgroupVersion: '2',
        LiveRestoreEnabled: true,
        Warnings: [
          'WARNING: API is accessible on http://0.0.0.0:2375 without encryption.\n         Access to the remote API is equivalent to root access on the host.',
          '[DEPRECATION NOTICE]: API is accessible on https://10.0.0.5:2376 without TLS client verification.\nIn future versions...',
          'WARNING: No swap limit support',
        ],
        RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8', '10.0.0.0/8'], IndexConfigs: { 'docker.io': { Secure: true }, 'registry.internal:5000': { Secure: false } } },
      },
    );
    expect(engine).toMatchObject({ version: '26.1.5+dfsg1', seccomp: true, seccompProfile: 'builtin', apparmor: true, userns: true, rootless: false, cgroupVersion: '2', liveRestore: true, insecureRegistries: ['registry.internal:5000'], insecureRegistryCidrs: ['127.0.0.0/8', '10.0.0.0/8'] });
    expect(engine.unverifiedTcpListeners).toEqual([
      { address: '0.0.0.0:2375', tls: false },
      { address: '10.0.0.5:2376', tls: true },
    ]);
  });
});

describe('daemon settings on disk', () => {
  let host: SyntheticHost;
  afterEach(() => host.cleanup());

  it('reads daemon.json and the effective -H flags of docker.service and its drop-ins', () => {
    host = new SyntheticHost();
    host.write('/etc/docker/daemon.json', JSON.stringify({ hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375'], 'userns-remap': 'default', icc: false, 'live-restore': true, 'insecure-registries': ['10.1.2.3:5000'] }));
    host.write('/lib/systemd/system/docker.service', '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n');
    host.write('/etc/systemd/system/docker.service.d/override.conf', '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd \\\n  -H fd:// -H tcp://127.0.0.1:2376 --tlsverify\n');
    const problems: DockerProblem[] = [];
    const settings = readDaemonSettings(host.root, problems);
    expect(problems).toEqual([]);
    expect(settings.configFile).toMatchObject({ present: true, usernsRemap: 'default', icc: false, liveRestore: true, noNewPrivileges: null, tlsVerify: null, insecureRegistries: ['10.1.2.3:5000'] });
    expect(settings.units.map((u) => u.path)).toEqual(['/lib/systemd/system/docker.service', '/etc/systemd/system/docker.service.d/override.conf']);
    expect(settings.hosts.map((h) => [h.address, h.scheme, h.host, h.port, h.tlsVerify])).toEqual([
      ['unix:///var/run/docker.sock', 'unix', null, null, false],
      ['tcp://0.0.0.0:2375', 'tcp', '0.0.0.0', 2375, false],
      ['fd://', 'fd', null, null, true],
      ['tcp://127.0.0.1:2376', 'tcp', '127.0.0.1', 2376, true],
    ]);
  });

  it('reports a broken daemon.json without quoting it', () => {
    host = new SyntheticHost();
    host.write('/etc/docker/daemon.json', '{"hosts": ["tcp://0.0.0.0:2375"], "registry-mirrors": ["https://user:hunter2@mirror"] ');
    const problems: DockerProblem[] = [];
    const settings = readDaemonSettings(host.root, problems);
    expect(settings.configFile).toMatchObject({ present: true, error: 'invalid JSON', hosts: [] });
    expect(problems).toEqual([{ stage: 'daemon.json', kind: 'malformed', subject: '/etc/docker/daemon.json', message: 'invalid JSON' }]);
  });

  it('refuses a FIFO planted as daemon.json instead of blocking on it', () => {
    host = new SyntheticHost();
    host.mkdir('/etc/docker');
    // Node has no mkfifo: use the system's.
    execFileSync('mkfifo', [host.path('/etc/docker/daemon.json')]);
    const problems: DockerProblem[] = [];
    const settings = readDaemonSettings(host.root, problems);
    expect(settings.configFile.present).toBe(false);
    expect(problems[0]).toMatchObject({ stage: 'daemon.json', subject: '/etc/docker/daemon.json' });
  });

  it('is empty on a host without Docker', () => {
    host = new SyntheticHost();
    const problems: DockerProblem[] = [];
    const settings = readDaemonSettings(host.root, problems);
    expect(settings).toMatchObject({ configFile: { present: false }, units: [], hosts: [] });
    expect(problems).toEqual([]);
  });
});

describe('self detection', () => {
  let host: SyntheticHost;
  afterEach(() => host?.cleanup());
  const id = '0123456789abcdef'.repeat(4);

  it.each([
    ['cgroup v1 docker path', '/proc/self/cgroup', `12:pids:/docker/${id}\n0::/\n`, 'cgroup'],
    ['cgroup v2 systemd scope', '/proc/self/cgroup', `0::/system.slice/docker-${id}.scope\n`, 'cgroup'],
    ['mountinfo hostname bind', '/proc/self/mountinfo', `612 590 8:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw - ext4 /dev/sda1 rw\n`, 'mountinfo'],
  ] as const)('%s', (_name, file, content, by) => {
    host = new SyntheticHost();
    host.write(file, content);
    expect(detectSelfContainer(host.root)).toEqual({ containerId: id, detectedBy: by });
  });

  it('is null on the host', () => {
    host = new SyntheticHost();
    host.write('/proc/self/cgroup', '0::/user.slice/user-0.slice/session-1.scope\n');
    expect(detectSelfContainer(host.root)).toEqual({ containerId: null, detectedBy: null });
  });

  it('recognises a container-id hostname', () => {
    expect(selfByHostname([id, 'f'.repeat(64)], id.slice(0, 12))).toEqual({ containerId: id, detectedBy: 'hostname' });
    expect(selfByHostname([id], 'runner-01')).toEqual({ containerId: null, detectedBy: null });
  });
});

describe('endpoint', () => {
  it.each([
    ['config socket', {}, 'unix:///var/run/docker.sock'],
    ['DOCKER_HOST unix', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, 'unix:///run/user/1000/docker.sock'],
    ['DOCKER_HOST tcp', { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, 'tcp://127.0.0.1:2375'],
    ['DOCKER_HOST bare with TLS verify', { DOCKER_HOST: '127.0.0.1', DOCKER_TLS_VERIFY: '1' }, 'tcp://127.0.0.1:2376'],
  ] as const)('%s', (_name, env, description) => {
    expect(resolveEndpoint('/var/run/docker.sock', env).description).toBe(description);
  });

  it('refuses schemes it cannot use', () => {
    expect(() => resolveEndpoint('/var/run/docker.sock', { DOCKER_HOST: 'ssh://me@host' })).toThrow(/not supported/);
  });
});

describe('connection errors', () => {
  const live = new AbortController().signal;
  it.each([
    ['ENOENT', 'no-socket'],
    ['EACCES', 'denied'],
    ['EPERM', 'denied'],
    ['ECONNREFUSED', 'refused'],
    ['EPIPE', 'io'],
  ] as const)('%s is %s', (code, kind) => {
    const error = Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
    expect(classifyTransportError(error, live, () => false)).toMatchObject({ kind });
  });

  it('a timeout wins over the transport error it caused', () => {
    expect(classifyTransportError(new Error('socket hang up'), AbortSignal.abort(), () => true)).toBeInstanceOf(EngineError);
    expect(classifyTransportError(new Error('socket hang up'), AbortSignal.abort(), () => true).kind).toBe('timeout');
  });
});

describe('registry of a reference', () => {
  it.each([
    ['alpine:3.20', 'docker.io'],
    ['library/node:20', 'docker.io'],
    ['docker.io/library/node:20', 'docker.io'],
    ['index.docker.io/x/y', 'docker.io'],
    ['registry.example.com/image/name:latest', 'registry.example.com'],
    ['localhost/app', 'localhost'],
    ['gitlab.example.com:5050/group/app@sha256:abc', 'gitlab.example.com:5050'],
  ])('%s → %s', (reference, registry) => {
    expect(registryOf(reference)).toBe(registry);
  });
});
