import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DomainFacts } from '../../agent/core/facts.js';
import { probeDockerApi } from '../../collectors/network/docker-api-probe.js';
import { parseProcNetTcp, parseProcNetUnix } from '../../collectors/network/proc-net.js';
import { collectSockets } from '../../collectors/network/sockets.js';
import type { DockerApiAccess } from '../../collectors/network/types.js';
import { SyntheticHost } from '../helpers/host.js';
import { selfSignedCertificate, startDockerStandIn, type DockerStandIn, type DockerStandInMode } from './helpers/docker-standin.js';

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const UNIX_HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path\n';

/** One /proc/net/tcp line. */
function tcpLine(local: string, state: string, inode: number): string {
  return `   0: ${local} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
}

function unixLine(flags: string, state: string, inode: number, path = ''): string {
  return `0000000000000000: 00000002 00000000 ${flags} 0001 ${state} ${inode}${path ? ` ${path}` : ''}\n`;
}

describe('/proc/net parsing', () => {
  it.each([
    { name: 'IPv4 any, sshd port', line: tcpLine('00000000:0016', '0A', 11), expected: [{ protocol: 'tcp', address: '0.0.0.0', port: 22, inode: 11 }] },
    { name: 'IPv4 loopback, metrics port', line: tcpLine('0100007F:2424', '0A', 12), expected: [{ protocol: 'tcp', address: '127.0.0.1', port: 9252, inode: 12 }] },
    { name: 'IPv4 docker bridge gateway', line: tcpLine('010011AC:0947', '0A', 13), expected: [{ protocol: 'tcp', address: '172.17.0.1', port: 2375, inode: 13 }] },
    { name: 'an established connection is not a listener', line: tcpLine('0100007F:2424', '01', 14), expected: [] },
    { name: 'a malformed line is skipped', line: '   0: zz:zz 00000000:0000 0A\n', expected: [] },
  ])('tcp: $name', ({ line, expected }) => {
    expect(parseProcNetTcp(TCP_HEADER + line, 'tcp')).toEqual(expected);
  });

  it.each([
    { local: '00000000000000000000000000000000:1F9D', address: '::', port: 8093 },
    { local: '00000000000000000000000001000000:2424', address: '::1', port: 9252 },
    { local: '0000000000000000FFFF00000100007F:0947', address: '::ffff:127.0.0.1', port: 2375 },
    { local: '000080FE00000000FF005452123456FE:0016', address: 'fe80::5254:ff:fe56:3412', port: 22 },
  ])('tcp6: $address', ({ local, address, port }) => {
    expect(parseProcNetTcp(TCP_HEADER + tcpLine(local, '0A', 21), 'tcp6')).toEqual([{ protocol: 'tcp6', address, port, inode: 21 }]);
  });

  it('unix: only listening, named sockets, paths with spaces kept whole', () => {
    const text =
      UNIX_HEADER +
      unixLine('00010000', '01', 31, '/run/docker.sock') +
      unixLine('00000000', '03', 32, '/run/docker.sock') +
      unixLine('00010000', '01', 33, '@/containerd-shim/abc.sock') +
      unixLine('00010000', '01', 34) +
      unixLine('00010000', '01', 35, '/tmp/with space.sock');
    expect(parseProcNetUnix(text)).toEqual([
      { path: '/run/docker.sock', inode: 31 },
      { path: '@/containerd-shim/abc.sock', inode: 33 },
      { path: '/tmp/with space.sock', inode: 35 },
    ]);
  });
});

/** A synthetic live-looking host: /proc/net tables and processes holding the sockets. */
function socketHost(): SyntheticHost {
  const host = new SyntheticHost('rw-sockets-');
  host.write(
    '/proc/net/tcp',
    TCP_HEADER +
      tcpLine('00000000:0016', '0A', 1001) + // 0.0.0.0:22 sshd
      tcpLine('00000000:0947', '0A', 1002) + // 0.0.0.0:2375 dockerd
      tcpLine('00000000:2424', '0A', 1003) + // 0.0.0.0:9252 runner metrics
      tcpLine('0100007F:1F9D', '0A', 1004) + // 127.0.0.1:8093 runner session server
      tcpLine('0100007F:1538', '0A', 1005) + // 127.0.0.1:5432 something else
      tcpLine('0100007F:0948', '01', 1006), // established: ignored
  );
  host.write('/proc/net/tcp6', TCP_HEADER + tcpLine('00000000000000000000000000000000:0948', '0A', 1007)); // [::]:2376 unowned
  host.write('/proc/net/unix', UNIX_HEADER + unixLine('00010000', '01', 2001, '/run/docker.sock') + unixLine('00010000', '01', 2002, '/run/docker/metrics.sock') + unixLine('00010000', '01', 2003, '/tmp/other.sock'));
  const processes: [number, string, string, number[]][] = [
    [100, 'sshd', '/usr/sbin/sshd\0-D\0', [1001]],
    [200, 'dockerd', '/usr/bin/dockerd\0-H\0fd://\0-H\0tcp://0.0.0.0:2375\0--tlsverify=false\0', [1002, 2001, 2002]],
    [300, 'gitlab-runner', '/usr/bin/gitlab-runner\0run\0', [1003, 1004]],
    [400, 'postgres', 'postgres\0', [1005]],
  ];
  for (const [pid, comm, cmdline, inodes] of processes) {
    host.write(`/proc/${pid}/comm`, `${comm}\n`).write(`/proc/${pid}/cmdline`, cmdline);
    host.symlink(`/proc/${pid}/fd/0`, '/dev/null');
    inodes.forEach((inode, index) => host.symlink(`/proc/${pid}/fd/${index + 3}`, `socket:[${inode}]`));
  }
  return host;
}

const RUNNER_FACTS = {
  configs: [{ listenAddress: '0.0.0.0:9252', sessionServerListenAddress: '127.0.0.1:8093' }],
  launches: [],
} as unknown as DomainFacts['runner'];

describe('listening sockets mapped to processes', () => {
  const hosts: SyntheticHost[] = [];
  afterEach(() => {
    for (const host of hosts.splice(0)) host.cleanup();
  });
  const collect = (host: SyntheticHost, earlier: Partial<DomainFacts> = { runner: RUNNER_FACTS }) =>
    collectSockets({ root: host.root, earlier, probeDockerApi: false, probeTimeoutMs: 500, deadline: Date.now() + 10_000, signal: new AbortController().signal, errors: [] });

  it('names each listener by its owner and the runner config, with its bind scope', async () => {
    const host = socketHost();
    hosts.push(host);
    const facts = await collect(host);
    expect(facts).toMatchObject({ observed: true, ownersMapped: true, truncated: false });
    expect(facts.listening.map((socket) => [socket.protocol, socket.address, socket.port, socket.scope, socket.role, socket.owners.map((owner) => `${owner.command}:${owner.pid}`).join(',')])).toEqual([
      ['tcp', '0.0.0.0', 22, 'all-interfaces', 'sshd', 'sshd:100'],
      ['tcp', '0.0.0.0', 2375, 'all-interfaces', 'docker-api', 'dockerd:200'],
      ['tcp', '127.0.0.1', 5432, 'loopback', 'other', 'postgres:400'],
      ['tcp', '127.0.0.1', 8093, 'loopback', 'runner-session-server', 'gitlab-runner:300'],
      ['tcp', '0.0.0.0', 9252, 'all-interfaces', 'runner-metrics', 'gitlab-runner:300'],
      ['tcp6', '::', 2376, 'all-interfaces', 'docker-api', ''],
      ['unix', '/run/docker.sock', null, 'unix', 'docker-api', 'dockerd:200'],
    ]);
  });

  it('reads dockerd TLS verification from its command line, else from daemon.json', async () => {
    const host = socketHost();
    hosts.push(host);
    const docker = { daemon: { configFile: { tlsVerify: true } } } as unknown as DomainFacts['docker'];
    const facts = await collect(host, { runner: RUNNER_FACTS, docker });
    const api = facts.listening.filter((socket) => socket.role === 'docker-api' && socket.protocol !== 'unix');
    expect(api.map((socket) => [socket.port, socket.dockerTlsVerify, socket.dockerApiAccess])).toEqual([
      [2375, false, 'not-probed'],
      [2376, true, 'not-probed'],
    ]);
  });

  it('without runner facts, the runner default metrics port names the metrics server', async () => {
    const host = socketHost();
    hosts.push(host);
    const facts = await collect(host, {});
    expect(facts.listening.find((socket) => socket.port === 9252)?.role).toBe('runner-metrics');
    expect(facts.listening.find((socket) => socket.port === 8093)?.role).toBe('runner-other');
  });

  it('an offline image without /proc observes nothing and says so', async () => {
    const host = new SyntheticHost('rw-sockets-');
    hosts.push(host);
    expect(await collect(host)).toEqual({ observed: false, listening: [], truncated: false, ownersMapped: false });
  });

  it('never follows an fd symlink elsewhere: a planted /proc/<pid>/fd symlink directory is refused', async () => {
    const host = socketHost();
    hosts.push(host);
    host.mkdir('/elsewhere').symlink('/elsewhere/9', 'socket:[1005]').symlink('/proc/500/fd', '/elsewhere').write('/proc/500/comm', 'evil\n');
    const facts = await collect(host);
    expect(facts.listening.find((socket) => socket.port === 5432)?.owners.map((owner) => owner.pid)).toEqual([400]);
  });

  it('keeps at most 2000 listeners from a flooded table, and says the list is cut', async () => {
    const host = new SyntheticHost('rw-sockets-');
    hosts.push(host);
    const lines = Array.from({ length: 2500 }, (_, index) => tcpLine(`0100007F:${(10_000 + index).toString(16).toUpperCase()}`, '0A', 50_000 + index));
    host.write('/proc/net/tcp', TCP_HEADER + lines.join(''));
    const facts = await collect(host);
    expect(facts.listening).toHaveLength(2000);
    expect(facts.truncated).toBe(true);
  });

  it('stops mapping at the deadline and reports the list as truncated', async () => {
    const host = socketHost();
    hosts.push(host);
    const facts = await collectSockets({ root: host.root, earlier: {}, probeDockerApi: false, probeTimeoutMs: 500, deadline: Date.now() - 1, signal: new AbortController().signal, errors: [] });
    expect(facts.truncated).toBe(true);
    expect(facts.listening.every((socket) => socket.owners.length === 0)).toBe(true);
  });
});

const certificate = selfSignedCertificate();

describe.skipIf(certificate === null)('Docker API stand-ins probed over loopback', () => {
  const standIns = new Map<DockerStandInMode, DockerStandIn>();
  beforeAll(async () => {
    for (const mode of ['plaintext', 'tls-no-verify', 'tls-verify', 'not-docker'] as const) standIns.set(mode, await startDockerStandIn(mode, certificate));
  });
  afterAll(async () => {
    for (const standIn of standIns.values()) await standIn.close();
  });

  it.each<[DockerStandInMode, DockerApiAccess]>([
    ['plaintext', 'open-plaintext'],
    ['tls-no-verify', 'open-tls-without-client-cert'],
    ['tls-verify', 'client-cert-required'],
    ['not-docker', 'not-docker'],
  ])('%s -> %s', async (mode, access) => {
    expect(await probeDockerApi('127.0.0.1', (standIns.get(mode) as DockerStandIn).port, 1500)).toBe(access);
  });

  it('nothing listening -> no-answer', async () => {
    const gone = await startDockerStandIn('plaintext');
    await gone.close();
    expect(await probeDockerApi('127.0.0.1', gone.port, 1500)).toBe('no-answer');
  });

  it('is never sent beyond loopback', async () => {
    expect(await probeDockerApi('10.199.0.9', 2375, 200)).toBe('not-probed');
  });

  it('a wildcard listener is probed through 127.0.0.1 when the collector may probe', async () => {
    const host = new SyntheticHost('rw-sockets-');
    try {
      const port = (standIns.get('plaintext') as DockerStandIn).port;
      host.write('/proc/net/tcp', TCP_HEADER + tcpLine(`00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`, '0A', 77));
      host.write('/proc/9/comm', 'dockerd\n').write('/proc/9/cmdline', 'dockerd\0').symlink('/proc/9/fd/5', 'socket:[77]');
      const facts = await collectSockets({ root: host.root, earlier: {}, probeDockerApi: true, probeTimeoutMs: 1500, deadline: Date.now() + 10_000, signal: new AbortController().signal, errors: [] });
      expect(facts.listening[0]).toMatchObject({ role: 'docker-api', scope: 'all-interfaces', dockerTlsVerify: null, dockerApiAccess: 'open-plaintext' });
    } finally {
      host.cleanup();
    }
  });
});
