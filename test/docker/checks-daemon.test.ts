import { describe, expect, it } from 'vitest';
import { dockerApiTcpInsecure } from '../../checks/docker/docker-api-tcp-insecure.js';
import { dockerDaemonHardening } from '../../checks/docker/docker-daemon-hardening.js';
import { parseDaemonHost } from '../../collectors/docker/daemon-config.js';
import { emptyDockerFacts } from '../../collectors/docker/empty.js';
import type { DaemonHostFacts, DockerFacts } from '../../collectors/docker/types.js';
import { dockerFacts, run, snapshot, summary } from './builders.js';

function withHosts(hosts: DaemonHostFacts[], base: DockerFacts = dockerFacts()): DockerFacts {
  return { ...base, daemon: { ...base.daemon, hosts } };
}
const fromJson = (address: string, tlsVerify = false, tls = false) => parseDaemonHost(address, '/etc/docker/daemon.json', tlsVerify, tls);

describe('docker-api-tcp-insecure', () => {
  it.each([
    ['all interfaces, no TLS', [fromJson('tcp://0.0.0.0:2375')], [{ severity: 'critical', subject: 'endpoint:tcp:0.0.0.0:2375', message: 'the Docker API listens on tcp on 0.0.0.0 port 2375 without TLS' }]],
    ['bare host:port from a unit -H', [parseDaemonHost(':2375', '/etc/systemd/system/docker.service.d/override.conf', false, false)], [{ severity: 'critical', subject: 'endpoint:tcp::2375', message: 'the Docker API listens on tcp on every interface port 2375 without TLS' }]],
    ['TLS without verification', [fromJson('tcp://10.0.0.5', false, true)], [{ severity: 'critical', subject: 'endpoint:tcp:10.0.0.5:2376', message: 'the Docker API listens on tcp on 10.0.0.5 port 2376 with TLS but no client verification' }]],
    ['loopback only', [fromJson('tcp://127.0.0.1:2375')], [{ severity: 'high', subject: 'endpoint:tcp:127.0.0.1:2375', message: 'the Docker API listens on tcp on 127.0.0.1 port 2375 without TLS (loopback only: high)' }]],
    ['tlsverify on', [fromJson('tcp://0.0.0.0:2376', true)], []],
    ['unix and fd only', [fromJson('unix:///var/run/docker.sock'), fromJson('fd://')], []],
  ] as const)('%s', (_name, hosts, expected) => {
    const outcome = run(dockerApiTcpInsecure, snapshot({ docker: withHosts([...hosts]) }));
    expect(summary(outcome.findings)).toEqual(expected);
  });

  it('reports a listener only the running engine knows about, once', () => {
    const engine = { ...(dockerFacts().engine as NonNullable<DockerFacts['engine']>), unverifiedTcpListeners: [{ address: '0.0.0.0:2375', tls: false }, { address: '10.0.0.5:2376', tls: true }] };
    const docker = withHosts([fromJson('tcp://0.0.0.0:2375')], dockerFacts({ engine }));
    const outcome = run(dockerApiTcpInsecure, snapshot({ docker }));
    expect(outcome.findings.map((f) => [f.subject.id, f.severity, f.evidence])).toEqual([
      ['tcp:0.0.0.0:2375', 'critical', 'tcp://0.0.0.0:2375 in /etc/docker/daemon.json, tlsverify off'],
      ['tcp:10.0.0.5:2376', 'critical', 'tcp://10.0.0.5:2376 in the engine (/info warnings), tlsverify off'],
    ]);
  });

  it('judges the files even when the engine does not answer', () => {
    const down = { ...emptyDockerFacts('unix:///var/run/docker.sock'), unavailable: { reason: 'refused' as const, detail: 'connection refused' } };
    down.daemon.configFile.present = true;
    const outcome = run(dockerApiTcpInsecure, snapshot({ docker: withHosts([fromJson('tcp://0.0.0.0:2375')], down) }));
    expect(outcome.status).toBe('fail');
  });

  it('is not applicable on a host without Docker', () => {
    expect(run(dockerApiTcpInsecure, snapshot({ docker: emptyDockerFacts('unix:///var/run/docker.sock') })).status).toBe('not-applicable');
  });
});

describe('docker-daemon-hardening', () => {
  const hardenedFile = { ...dockerFacts().daemon.configFile, present: true, usernsRemap: 'default', icc: false, noNewPrivileges: true, liveRestore: true };
  const hardenedEngine = { ...(dockerFacts().engine as NonNullable<DockerFacts['engine']>), userns: true, liveRestore: true };

  it('reports each setting that is off, from the engine and daemon.json', () => {
    const outcome = run(dockerDaemonHardening, snapshot({ docker: dockerFacts() }));
    expect(summary(outcome.findings).sort((a, b) => a.message.localeCompare(b.message))).toEqual([
      { severity: 'low', subject: 'daemon:dockerd', message: 'a daemon restart stops every running job (live-restore is off)' },
      { severity: 'low', subject: 'daemon:dockerd', message: 'container root is host root: userns-remap is off and the daemon is not rootless' },
      { severity: 'low', subject: 'daemon:dockerd', message: 'containers on the default bridge can reach each other (icc is on)' },
      { severity: 'low', subject: 'daemon:dockerd', message: 'setuid binaries can raise privileges inside containers (no-new-privileges is off daemon-wide)' },
    ]);
  });

  it('passes a hardened daemon', () => {
    const docker = dockerFacts({ engine: hardenedEngine, daemon: { ...dockerFacts().daemon, configFile: hardenedFile } });
    expect(run(dockerDaemonHardening, snapshot({ docker })).status).toBe('pass');
  });

  it('counts a rootless daemon as remapped', () => {
    const docker = dockerFacts({ engine: { ...hardenedEngine, userns: false, rootless: true }, daemon: { ...dockerFacts().daemon, configFile: hardenedFile } });
    expect(run(dockerDaemonHardening, snapshot({ docker })).status).toBe('pass');
  });

  it('falls back to daemon.json when the engine is down', () => {
    const down = emptyDockerFacts('unix:///var/run/docker.sock');
    down.daemon.configFile = { ...hardenedFile, liveRestore: null };
    const outcome = run(dockerDaemonHardening, snapshot({ docker: down }));
    expect(summary(outcome.findings).map((f) => f.message)).toEqual(['a daemon restart stops every running job (live-restore is off)']);
  });

  it('is not applicable on a host without Docker', () => {
    expect(run(dockerDaemonHardening, snapshot({ docker: emptyDockerFacts('unix:///var/run/docker.sock') })).status).toBe('not-applicable');
  });
});
