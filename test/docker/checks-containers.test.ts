import { describe, expect, it } from 'vitest';
import type { Check } from '../../agent/core/check.js';
import { dockerDangerousCapabilities } from '../../checks/docker/docker-dangerous-capabilities.js';
import { dockerHostDevices } from '../../checks/docker/docker-host-devices.js';
import { dockerHostNamespaces } from '../../checks/docker/docker-host-namespaces.js';
import { dockerPrivilegedContainer } from '../../checks/docker/docker-privileged-container.js';
import { dockerSecurityProfileUnconfined } from '../../checks/docker/docker-security-profile-unconfined.js';
import { dockerSensitiveHostMount } from '../../checks/docker/docker-sensitive-host-mount.js';
import { dockerSocketMounted } from '../../checks/docker/docker-socket-mounted.js';
import type { ContainerFacts, ContainerMount, DockerFacts } from '../../collectors/docker/types.js';
import { container, dockerFacts, jobContainer, run, snapshot, summary } from './builders.js';

const JOB = 'container:runner-xY9zAbCd1-project-42-concurrent-0-build';
const WHO = 'job 1234 of project 42 on runner xY9zAbCd1';
const bind = (source: string, destination: string, readOnly = false): ContainerMount => ({ type: 'bind', source, destination, volumeName: null, readOnly });

interface Case {
  name: string;
  containers: ContainerFacts[];
  docker?: Partial<DockerFacts>;
  expected: { severity: string; subject: string; message: string }[];
}

function table(check: Check, cases: Case[]): void {
  describe(check.meta.id, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const outcome = run(check, snapshot({ docker: dockerFacts({ containers: c.containers, ...c.docker }) }));
      expect(summary(outcome.findings)).toEqual(c.expected);
      expect(outcome.status).toBe(c.expected.length > 0 ? 'fail' : 'pass');
    });

    it('is not applicable when no engine answered', () => {
      const docker = dockerFacts({ available: false, engine: null, unavailable: { reason: 'no-socket', detail: 'socket not found' }, containers: [jobContainer({ privileged: true })] });
      const outcome = run(check, snapshot({ docker }));
      expect(outcome.status).toBe('not-applicable');
      expect(outcome.reason).toContain('no-socket');
    });

    it('is an error when docker facts could not be collected', () => {
      expect(run(check, snapshot({})).status).toBe('error');
    });
  });
}

table(dockerPrivilegedContainer, [
  { name: 'running job container', containers: [jobContainer({ privileged: true })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs privileged` }] },
  { name: 'job container created by the runner, not started', containers: [jobContainer({ privileged: true, running: false, state: 'created', pid: null })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} was created privileged` }] },
  { name: 'running container no runner made', containers: [container({ privileged: true, name: 'dind' })], expected: [{ severity: 'high', subject: 'container:dind', message: 'container dind runs privileged (not created by a runner: high, not critical)' }] },
  { name: 'stopped container no runner made', containers: [container({ privileged: true, running: false, state: 'exited', pid: null })], expected: [] },
  { name: "runner-warden's own container", containers: [container({ privileged: true, id: 'f'.repeat(64), name: 'runner-warden' })], docker: { self: { containerId: 'f'.repeat(64), detectedBy: 'cgroup' } }, expected: [] },
  { name: 'unprivileged job container', containers: [jobContainer()], expected: [] },
]);

table(dockerSocketMounted, [
  { name: 'socket bound into a job', containers: [jobContainer({ mounts: [bind('/var/run/docker.sock', '/var/run/docker.sock', true)] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with the runtime socket /var/run/docker.sock mounted` }] },
  { name: '/run holding the socket', containers: [jobContainer({ mounts: [bind('/run', '/host-run')] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with the runtime socket /run/docker.sock mounted (through /run)` }] },
  { name: 'containerd socket in a plain container', containers: [container({ mounts: [bind('/run/containerd/containerd.sock', '/c.sock')] })], expected: [{ severity: 'high', subject: 'container:web-1', message: 'container web-1 runs with the runtime socket /run/containerd/containerd.sock mounted (not created by a runner: high)' }] },
  {
    name: 'a daemon socket configured elsewhere',
    containers: [jobContainer({ mounts: [bind('/srv/docker/api.sock', '/var/run/docker.sock')] })],
    docker: { daemon: { ...dockerFacts().daemon, hosts: [{ address: 'unix:///srv/docker/api.sock', scheme: 'unix', host: null, port: null, source: '/etc/docker/daemon.json', tlsVerify: false, tls: false }] } },
    expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with the runtime socket /srv/docker/api.sock mounted` }],
  },
  { name: 'a named volume at the same destination', containers: [jobContainer({ mounts: [{ type: 'volume', source: '/var/lib/docker/volumes/x/_data', destination: '/var/run', volumeName: 'x', readOnly: false }] })], expected: [] },
  { name: 'an ordinary bind', containers: [jobContainer({ mounts: [bind('/srv/cache', '/cache')] })], expected: [] },
]);

table(dockerSensitiveHostMount, [
  { name: 'host root writable', containers: [jobContainer({ mounts: [bind('/', '/host')] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with host path / mounted writable: the whole host filesystem` }] },
  { name: '/etc read-only', containers: [jobContainer({ mounts: [bind('/etc', '/host-etc', true)] })], expected: [{ severity: 'medium', subject: JOB, message: `${WHO} runs with host path /etc mounted read-only: host configuration (passwd, shadow, sudoers, cron)` }] },
  { name: "the runner's config, even read-only", containers: [jobContainer({ mounts: [bind('/etc/gitlab-runner', '/cfg', true)] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with host path /etc/gitlab-runner mounted read-only: the runner's config with its tokens` }] },
  { name: 'a subdirectory of /var/lib/docker', containers: [jobContainer({ mounts: [bind('/var/lib/docker/containers/', '/c')] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with host path /var/lib/docker/containers/ mounted writable: Docker's state: every container's filesystem and config` }] },
  { name: 'the socket is the other check', containers: [jobContainer({ mounts: [bind('/var/run/docker.sock', '/var/run/docker.sock')] })], expected: [] },
  { name: 'a look-alike path', containers: [jobContainer({ mounts: [bind('/etcetera', '/x'), bind('/srv/cache', '/cache')] })], expected: [] },
]);

table(dockerDangerousCapabilities, [
  { name: 'SYS_ADMIN', containers: [jobContainer({ capAdd: ['SYS_ADMIN'] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with capability SYS_ADMIN: mount, namespaces, cgroup release agents: the classic escape` }] },
  { name: 'SYS_PTRACE with the host pid namespace', containers: [jobContainer({ capAdd: ['SYS_PTRACE'], pidMode: 'host' })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with capability SYS_PTRACE: traces host processes (pid namespace shared with the host)` }] },
  { name: 'NET_ADMIN', containers: [container({ capAdd: ['NET_ADMIN'] })], expected: [{ severity: 'high', subject: 'container:web-1', message: 'container web-1 runs with capability NET_ADMIN: reconfigures the network it sits on' }] },
  { name: 'default-set capabilities', containers: [jobContainer({ capAdd: ['NET_RAW', 'MKNOD', 'CHOWN'] })], expected: [] },
  { name: 'privileged is reported by its own check', containers: [jobContainer({ privileged: true, capAdd: ['SYS_ADMIN'] })], expected: [] },
  { name: 'a stopped container no runner made', containers: [container({ capAdd: ['ALL'], running: false, state: 'exited', pid: null })], expected: [] },
]);

table(dockerSecurityProfileUnconfined, [
  { name: 'seccomp unconfined', containers: [jobContainer({ securityOpt: ['seccomp=unconfined', 'label=disable'] })], expected: [{ severity: 'high', subject: JOB, message: `${WHO} runs with seccomp turned off` }] },
  { name: 'legacy apparmor:unconfined', containers: [jobContainer({ securityOpt: ['apparmor:unconfined'] })], expected: [{ severity: 'high', subject: JOB, message: `${WHO} runs with AppArmor turned off` }] },
  { name: 'engine reports the profile unconfined', containers: [jobContainer({ appArmorProfile: 'unconfined' })], expected: [{ severity: 'high', subject: JOB, message: `${WHO} runs with AppArmor turned off` }] },
  {
    name: 'engine without seccomp',
    containers: [],
    docker: { engine: { ...(dockerFacts().engine as NonNullable<DockerFacts['engine']>), seccomp: false, seccompProfile: null } },
    expected: [{ severity: 'high', subject: 'daemon:dockerd', message: 'the Docker engine applies no seccomp profile: no container gets a syscall filter' }],
  },
  { name: 'a custom seccomp profile', containers: [jobContainer({ securityOpt: ['seccomp=/etc/docker/strict.json', 'no-new-privileges'] })], expected: [] },
  { name: 'unconfined AppArmor where the engine has no AppArmor', containers: [jobContainer({ appArmorProfile: 'unconfined' })], docker: { engine: { ...(dockerFacts().engine as NonNullable<DockerFacts['engine']>), apparmor: false } }, expected: [] },
]);

table(dockerHostNamespaces, [
  { name: 'host pid', containers: [jobContainer({ pidMode: 'host' })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs in the host pid namespace: it sees and signals every host process, and reads their /proc (environment of other jobs' processes)` }] },
  { name: 'host network', containers: [jobContainer({ networkMode: 'host' })], expected: [{ severity: 'high', subject: JOB, message: `${WHO} runs in the host network namespace: it reaches every service listening on the host's loopback and interfaces (dockerd on tcp, metrics, metadata)` }] },
  { name: 'host ipc', containers: [jobContainer({ ipcMode: 'host' })], expected: [{ severity: 'high', subject: JOB, message: `${WHO} runs in the host ipc namespace: it reads and writes the host's shared memory` }] },
  {
    name: 'userns host under remapping',
    containers: [jobContainer({ usernsMode: 'host' })],
    docker: { engine: { ...(dockerFacts().engine as NonNullable<DockerFacts['engine']>), userns: true } },
    expected: [{ severity: 'medium', subject: JOB, message: `${WHO} runs outside the daemon's user-namespace remapping: its root is host root` }],
  },
  { name: 'userns host without remapping changes nothing', containers: [jobContainer({ usernsMode: 'host' })], expected: [] },
  { name: 'private namespaces', containers: [jobContainer({ networkMode: 'container:' + 'd'.repeat(64), ipcMode: 'shareable' })], expected: [] },
]);

table(dockerHostDevices, [
  { name: 'a host disk', containers: [jobContainer({ devices: [{ hostPath: '/dev/sda', containerPath: '/dev/sda', permissions: 'rwm' }] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with host device /dev/sda: a host disk: read or rewrite the host filesystem` }] },
  { name: 'KVM', containers: [jobContainer({ devices: [{ hostPath: '/dev/kvm', containerPath: '/dev/kvm', permissions: 'rwm' }] })], expected: [{ severity: 'medium', subject: JOB, message: `${WHO} runs with host device /dev/kvm: a host kernel interface jobs can abuse` }] },
  { name: 'a broad cgroup rule', containers: [jobContainer({ deviceCgroupRules: ['b *:* rwm'] })], expected: [{ severity: 'critical', subject: JOB, message: `${WHO} runs with device cgroup rule "b *:* rwm": every such host device node it creates is usable` }] },
  { name: 'a narrow cgroup rule', containers: [jobContainer({ deviceCgroupRules: ['c 10:200 rwm'] })], expected: [] },
  { name: 'no devices', containers: [jobContainer()], expected: [] },
]);
