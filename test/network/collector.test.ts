import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DomainFacts } from '../../agent/core/facts.js';
import { isLoopback, isWildcard, prefixContains } from '../../collectors/network/ip.js';
import { networkCollector } from '../../collectors/network/index.js';
import { jobNetworks } from '../../collectors/network/jobs.js';
import { SyntheticHost } from '../helpers/host.js';
import { networkConfig } from './helpers/config.js';

const hosts: SyntheticHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.cleanup();
  vi.restoreAllMocks();
});

/** An offline image of an AWS runner host: DMI, a persisted DOCKER-USER rule, a /proc snapshot. */
function awsImage(): SyntheticHost {
  const host = new SyntheticHost('rw-net-');
  hosts.push(host);
  host.withIdentity();
  host.write('/sys/class/dmi/id/sys_vendor', 'Amazon EC2\n').write('/sys/class/dmi/id/product_name', 'c6i.large\n');
  host.write('/etc/iptables/rules.v4', '*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -d 169.254.169.254/32 -j DROP\nCOMMIT\n');
  host.write('/proc/net/tcp', '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:2424 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 501 1 0 100 0 0 10 0\n');
  return host;
}

function collect(root: string, config = networkConfig({ mode: 'always' }), earlier: Partial<DomainFacts> = {}) {
  return networkCollector.collect({ root, config, deadline: Date.now() + 20_000, signal: new AbortController().signal, log: pino({ level: 'silent' }), earlier });
}

describe('the network collector on an offline image', () => {
  it('detects the cloud, reads persisted rules and /proc, and sends nothing, whatever the mode', async () => {
    const connect = vi.spyOn(net, 'connect');
    const host = awsImage();
    const facts = await collect(host.root);
    expect(networkCollector.validate(facts)).toBeNull();
    expect(facts.cloud).toMatchObject({ provider: 'aws', evidence: ['sys_vendor = "Amazon EC2"'] });
    expect(facts.metadata).toEqual({ mode: 'always', status: 'offline-root', clouds: [], vantages: [], jobVantageMissing: null, awsHopLimit: null });
    expect(facts.firewall.metadataRules.map((rule) => [rule.chain, rule.hooks])).toEqual([['DOCKER-USER', ['forward']]]);
    expect(facts.sockets.listening.map((socket) => [socket.address, socket.port, socket.role, socket.dockerApiAccess])).toEqual([['0.0.0.0', 9252, 'runner-metrics', undefined]]);
    expect(facts.errors).toEqual([]);
    expect(connect).not.toHaveBeenCalled();
    // Facts survive JSON as the engine requires.
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
  });

  it('an empty root is an honest "nothing observed"', async () => {
    const host = new SyntheticHost('rw-net-');
    hosts.push(host);
    const facts = await collect(host.root, networkConfig());
    expect(facts.cloud.provider).toBe('unknown');
    expect(facts.sockets.observed).toBe(false);
    expect(facts.firewall.sources.every((source) => source.status === 'absent')).toBe(true);
  });

  it.each([
    ['a string', 'nope', 'expected an object'],
    ['no sockets list', { cloud: {}, metadata: { vantages: [] }, firewall: {}, sockets: {}, errors: [] }, 'expected sockets.listening to be an array'],
    ['no errors list', { cloud: {}, metadata: {}, firewall: {}, sockets: {} }, 'expected errors to be an array'],
  ])('validate rejects %s', (_name, value, message) => {
    expect(networkCollector.validate(value)).toBe(message);
  });
});

describe('where jobs run on the network, from runner and docker facts', () => {
  const container = (name: string, networkMode: string, extra: Record<string, unknown> = {}) => ({ id: `${name}-0123456789abcdef`, name, running: true, pid: 100 + name.length, networkMode, job: { type: 'build' }, ...extra });

  it('finds shell and host-network jobs, and one container per kind of job network', () => {
    const runner = {
      configs: [
        {
          runners: [
            { name: 'shell-1', id: 'fp1:a', executor: 'shell', docker: null },
            { name: 'docker-host', id: 'fp1:b', executor: 'docker', docker: { networkMode: 'host' } },
            { name: 'docker-1', id: 'fp1:c', executor: 'docker', docker: { networkMode: null } },
          ],
        },
      ],
    } as unknown as DomainFacts['runner'];
    const docker = {
      available: true,
      containers: [
        container('job-a', 'bridge'),
        container('job-b', 'bridge'),
        container('job-c', 'runner-abc-job-1-network'),
        container('job-d', 'runner-abc-job-2-network'),
        container('job-e', 'host'),
        container('job-f', 'none'),
        container('job-g', 'container:deadbeef'),
        container('stopped', 'custom-net', { running: false }),
        container('not-a-job', 'other-net', { job: null }),
        container('no-pid', 'ci-net', { pid: null }),
      ],
    } as unknown as DomainFacts['docker'];
    const jobs = jobNetworks({ runner, docker });
    expect(jobs.hostReasons).toEqual(['runner "shell-1" uses the shell executor', 'runner "docker-host" sets network_mode = "host"', 'job container job-e uses network_mode host']);
    expect(jobs.containers.map((entry) => [entry.name, entry.networkMode, entry.id])).toEqual([
      ['job-a', 'bridge', 'job-a-012345'],
      ['job-c', 'runner-abc-job-1-network', 'job-c-012345'],
    ]);
    expect(jobs.noContainerReason).toBeNull();
  });

  it.each([
    ['no docker facts', {}, 'docker facts unavailable'],
    ['no engine', { docker: { available: false, containers: [] } as unknown as DomainFacts['docker'] }, 'no Docker engine answered'],
    ['no job running', { docker: { available: true, containers: [] } as unknown as DomainFacts['docker'] }, 'no running job container with its own network namespace'],
  ])('%s: says why no job namespace can be probed', (_name, earlier, reason) => {
    expect(jobNetworks(earlier).noContainerReason).toBe(reason);
  });
});

describe('address arithmetic', () => {
  it.each([
    ['169.254.0.0/16', '169.254.169.254', true],
    ['169.254.169.254', '169.254.169.254', true],
    ['169.254.169.0/24', '169.254.170.2', false],
    ['0.0.0.0/0', '100.100.100.200', true],
    ['fd00:ec2::/32', 'fd00:ec2::254', true],
    ['fd00::/8', 'fd00:ec2::254', true],
    ['fe80::/10', 'fd00:ec2::254', false],
    ['169.254.0.0/16', 'fd00:ec2::254', false],
    ['169.254.0.0/33', '169.254.169.254', false],
  ])('%s contains %s: %s', (prefix, address, expected) => {
    expect(prefixContains(prefix, address)).toBe(expected);
  });

  it.each([
    ['127.0.0.1', true, false],
    ['127.3.4.5', true, false],
    ['::1', true, false],
    ['::ffff:127.0.0.1', true, false],
    ['0.0.0.0', false, true],
    ['::', false, true],
    ['10.0.0.1', false, false],
    ['::ffff:10.0.0.1', false, false],
  ])('%s: loopback %s, wildcard %s', (address, loopback, wildcard) => {
    expect([isLoopback(address), isWildcard(address)]).toEqual([loopback, wildcard]);
  });
});
