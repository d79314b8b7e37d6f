import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { planTargets, probeLimits } from '../../collectors/network/probe-plan.js';
import { probeFromHost, probeFromNamespace } from '../../collectors/network/vantage.js';
import { guardRefusal } from '../../collectors/network/probe-guard.js';
import { collectMetadata } from '../../collectors/network/metadata.js';
import { METADATA_ENDPOINTS } from '../../collectors/network/metadata-endpoints.js';
import type { JobNetworks } from '../../collectors/network/jobs.js';
import type { CloudVerdict, MetadataFacts } from '../../collectors/network/types.js';
import { networkConfig } from './helpers/config.js';
import { FAKE_CREDENTIAL, FAKE_TOKEN, startStandIn, type StandIn, type StandInKind } from './helpers/standins.js';

const NO_JOBS: JobNetworks = { hostReasons: [], containers: [], noContainerReason: 'no running job container with its own network namespace' };
const SHELL_JOBS: JobNetworks = { ...NO_JOBS, hostReasons: ['runner "ci" uses the shell executor'] };

function probe(options: { cloud: CloudVerdict; config: ReturnType<typeof networkConfig>; root?: string; jobs?: JobNetworks }): Promise<MetadataFacts> {
  return collectMetadata({ root: options.root ?? '/', config: options.config, cloud: options.cloud, jobs: options.jobs ?? SHELL_JOBS, nsenter: null, signal: new AbortController().signal });
}

describe('metadata probes against loopback stand-ins', () => {
  const standIns = new Map<StandInKind, StandIn>();
  beforeAll(async () => {
    // Distinct loopback addresses, so a mix-up between stand-ins cannot pass unnoticed.
    const kinds: [StandInKind, string][] = [
      ['imdsv1', '127.0.0.11'],
      ['imdsv2', '127.0.0.12'],
      ['imdsv2-hop-limited', '127.0.0.13'],
      ['gcp', '127.0.0.14'],
      ['trickle', '127.0.0.15'],
      ['hang', '127.0.0.16'],
    ];
    for (const [kind, host] of kinds) standIns.set(kind, await startStandIn(kind, host));
  });
  afterAll(async () => {
    for (const standIn of standIns.values()) await standIn.close();
  });
  const url = (kind: StandInKind) => (standIns.get(kind) as StandIn).url;

  it.each([
    { kind: 'imdsv1' as const, answered: true, v1Answers: true, v2Token: 'issued', exchanges: ['GET /latest/meta-data/ 200', 'PUT /latest/api/token 200'] },
    { kind: 'imdsv2' as const, answered: true, v1Answers: false, v2Token: 'issued', exchanges: ['GET /latest/meta-data/ 401', 'PUT /latest/api/token 200'] },
    { kind: 'imdsv2-hop-limited' as const, answered: false, v1Answers: false, v2Token: 'no-answer', exchanges: ['GET /latest/meta-data/ 401', 'PUT /latest/api/token null'] },
  ])('AWS $kind: answered=$answered, IMDSv1=$v1Answers, token $v2Token', async ({ kind, answered, v1Answers, v2Token, exchanges }) => {
    const facts = await probe({ cloud: 'aws', config: networkConfig({ targets: [{ cloud: 'aws', url: url(kind) }], timeoutMs: 800 }) });
    expect(facts.status).toBe('probed');
    const [result] = facts.vantages[0]?.probes ?? [];
    expect(result).toMatchObject({ cloud: 'aws', target: `${standIns.get(kind)?.host}:${standIns.get(kind)?.port}`, overridden: true, connect: 'connected', answered, imds: { v1Answers, v2Token } });
    expect(result?.exchanges.map((exchange) => `${exchange.request} ${exchange.status}`)).toEqual(exchanges);
    // Status and a few headers only: the token and credentials the stand-in hands out are never kept.
    expect(JSON.stringify(facts)).not.toContain(FAKE_TOKEN);
    expect(JSON.stringify(facts)).not.toContain(FAKE_CREDENTIAL);
  });

  it('asks GCP with Metadata-Flavor: Google and keeps the identifying header', async () => {
    const facts = await probe({ cloud: 'gcp', config: networkConfig({ targets: [{ cloud: 'gcp', url: url('gcp') }] }) });
    const [result] = facts.vantages[0]?.probes ?? [];
    expect(result).toMatchObject({ cloud: 'gcp', answered: true, connect: 'connected' });
    expect(result?.exchanges[0]).toMatchObject({ request: 'GET /computeMetadata/v1/', status: 200, headers: { 'metadata-flavor': 'Google' } });
    expect(standIns.get('gcp')?.seen.at(-1)).toBe('GET /computeMetadata/v1/ token=no flavor=Google');
    expect(JSON.stringify(facts)).not.toContain(FAKE_CREDENTIAL);
  });

  it.each(['trickle', 'hang'] as const)('a %s stand-in cannot hold a probe past its deadline', async (kind) => {
    const started = performance.now();
    const facts = await probe({ cloud: 'gcp', config: networkConfig({ targets: [{ cloud: 'gcp', url: url(kind) }], timeoutMs: 600 }) });
    const elapsed = performance.now() - started;
    const [result] = facts.vantages[0]?.probes ?? [];
    expect(result).toMatchObject({ connect: 'connected', answered: false });
    expect(result?.exchanges[0]).toMatchObject({ outcome: 'timeout', status: null });
    expect(elapsed).toBeGreaterThanOrEqual(550);
    expect(elapsed).toBeLessThan(1500);
  });

  it('one AWS deadline covers both requests: a hop-limited PUT ends the probe at the deadline', async () => {
    const started = performance.now();
    const facts = await probe({ cloud: 'aws', config: networkConfig({ targets: [{ cloud: 'aws', url: url('imdsv2-hop-limited') }], timeoutMs: 700 }) });
    const elapsed = performance.now() - started;
    expect(facts.vantages[0]?.probes[0]?.durationMs).toBeLessThan(1000);
    expect(elapsed).toBeLessThan(1500);
  });

  it.each([
    ['speaks another protocol', 'SSH-2.0-OpenSSH_9.2p1\r\n\r\n'],
    ['sends a head larger than the bound', `HTTP/1.1 200 OK\r\nX-Padding: ${'x'.repeat(20_000)}`],
  ])('a server that %s is malformed, not metadata', async (_name, reply) => {
    // resume(): a socket that never reads never sees the client go, and the server would never close.
    const server = net.createServer((socket) => socket.resume().end(reply));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.18', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const facts = await probe({ cloud: 'gcp', config: networkConfig({ targets: [{ cloud: 'gcp', url: `http://127.0.0.18:${port}` }] }) });
      expect(facts.vantages[0]?.probes[0]).toMatchObject({ connect: 'connected', answered: false, exchanges: [{ outcome: 'malformed', status: null }] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a refused connect when nothing listens', async () => {
    const closed = await startStandIn('imdsv1', '127.0.0.17');
    await closed.close();
    const facts = await probe({ cloud: 'aws', config: networkConfig({ targets: [{ cloud: 'aws', url: closed.url }] }) });
    expect(facts.vantages[0]?.probes[0]).toMatchObject({ connect: 'refused', exchanges: [], answered: false });
  });

  it('marks the host vantage with the reasons jobs share it', async () => {
    const facts = await probe({ cloud: 'aws', config: networkConfig({ targets: [{ cloud: 'aws', url: url('imdsv1') }] }) });
    expect(facts.vantages).toHaveLength(1);
    expect(facts.vantages[0]).toMatchObject({ id: 'host', kind: 'host', status: 'probed', jobsHere: ['runner "ci" uses the shell executor'] });
    expect(facts.jobVantageMissing).toBe('no running job container with its own network namespace');
  });
});

describe('when metadata is probed at all', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn('imdsv1', '127.0.0.21');
  });
  afterAll(() => standIn.close());
  afterEach(() => vi.restoreAllMocks());

  it.each([
    { name: 'never sends nothing, even on a cloud', mode: 'never' as const, cloud: 'aws' as const, root: '/', status: 'disabled', clouds: [] },
    { name: 'an offline image is never probed', mode: 'always' as const, cloud: 'aws' as const, root: '/srv/image', status: 'offline-root', clouds: [] },
    { name: 'auto on bare metal sends nothing', mode: 'auto' as const, cloud: 'none' as const, root: '/', status: 'no-cloud-detected', clouds: [] },
    { name: 'auto on an unknown host sends nothing', mode: 'auto' as const, cloud: 'unknown' as const, root: '/', status: 'no-cloud-detected', clouds: [] },
    { name: 'auto probes only the detected cloud', mode: 'auto' as const, cloud: 'aws' as const, root: '/', status: 'probed', clouds: ['aws'] },
  ])('$name', async ({ mode, cloud, root, status, clouds }) => {
    const connect = vi.spyOn(net, 'connect');
    const config = networkConfig({ mode, targets: [{ cloud: 'aws', url: standIn.url }, { cloud: 'gcp', url: standIn.url }] });
    const facts = await probe({ cloud, config, root });
    expect(facts).toMatchObject({ mode, status, clouds });
    expect(connect).toHaveBeenCalledTimes(status === 'probed' ? 2 : 0);
    if (status !== 'probed') expect(facts.vantages).toEqual([]);
  });

  it('always probes every cloud; those without a stand-in are stopped by the test guard before any packet', async () => {
    const connect = vi.spyOn(net, 'connect');
    const config = networkConfig({ mode: 'always', targets: [{ cloud: 'aws', url: standIn.url }] });
    const facts = await probe({ cloud: 'none', config });
    expect(facts.clouds).toEqual(['aws', 'gcp', 'azure', 'openstack', 'oracle', 'alibaba', 'digitalocean', 'hetzner']);
    const probes = facts.vantages[0]?.probes ?? [];
    expect(probes.filter((result) => result.cloud === 'aws').map((result) => result.connect)).toEqual(['connected']);
    const guarded = probes.filter((result) => result.cloud !== 'aws');
    expect(guarded.length).toBe(METADATA_ENDPOINTS.filter((endpoint) => endpoint.cloud !== 'aws').length);
    expect(guarded.every((result) => result.connect === 'guarded' && result.exchanges.length === 0)).toBe(true);
    for (const call of connect.mock.calls) expect(JSON.stringify(call[0])).toContain('127.0.0.21');
  });
});

describe('the test guard', () => {
  it.each([
    { host: '169.254.169.254', vantage: 'host' as const, refused: true },
    { host: '169.254.169.254', vantage: 'job-container' as const, refused: true },
    { host: '169.254.170.2', vantage: 'job-container' as const, refused: true },
    { host: 'fd00:ec2::254', vantage: 'job-container' as const, refused: true },
    { host: '[fd00:ec2::254]', vantage: 'host' as const, refused: true },
    { host: '100.100.100.200', vantage: 'job-container' as const, refused: true },
    { host: 'metadata.google.internal', vantage: 'job-container' as const, refused: true },
    { host: 'example.com', vantage: 'job-container' as const, refused: true },
    { host: '10.199.0.2', vantage: 'host' as const, refused: true },
    { host: '192.168.77.1', vantage: 'host' as const, refused: true },
    { host: '10.199.0.2', vantage: 'job-container' as const, refused: false },
    { host: '127.0.0.5', vantage: 'host' as const, refused: false },
    { host: '::1', vantage: 'host' as const, refused: false },
    { host: 'localhost', vantage: 'host' as const, refused: false },
  ])('$host from $vantage: refused=$refused', ({ host, vantage, refused }) => {
    expect(guardRefusal(host, vantage) !== null).toBe(refused);
  });

  it('refuses every built-in endpoint from every vantage', () => {
    for (const endpoint of METADATA_ENDPOINTS) {
      expect(guardRefusal(endpoint.host, 'host')).not.toBeNull();
      expect(guardRefusal(endpoint.host, 'job-container')).not.toBeNull();
    }
  });

  it('is what stops a probe of the built-in list: no socket is ever opened', async () => {
    const connect = vi.spyOn(net, 'connect');
    const facts = await probe({ cloud: 'aws', config: networkConfig({ mode: 'auto' }) });
    expect(facts.vantages[0]?.probes.map((result) => [result.target, result.overridden, result.connect])).toEqual([
      ['169.254.169.254:80', false, 'guarded'],
      ['[fd00:ec2::254]:80', false, 'guarded'],
    ]);
    expect(connect).not.toHaveBeenCalled();
    connect.mockRestore();
  });
});

describe('the guard at the doors to the network', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(['host', 'namespace'] as const)('a real endpoint handed straight to the %s prober throws before any socket or child', async (door) => {
    const connect = vi.spyOn(net, 'connect');
    const targets = planTargets(['aws'], networkConfig());
    const limits = probeLimits(networkConfig());
    const attempt = door === 'host' ? probeFromHost(targets, limits) : probeFromNamespace('/usr/bin/nsenter', process.pid, targets, limits, new AbortController().signal);
    await expect(attempt).rejects.toThrow(/refusing to probe 169\.254\.169\.254 under test: a real cloud metadata address/);
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('target planning', () => {
  it('uses the built-in list unless a cloud is overridden, and an override replaces all of its endpoints', () => {
    const config = networkConfig({ targets: [{ cloud: 'aws', url: 'http://127.0.0.9:8080' }] });
    const targets = planTargets(['aws', 'gcp'], config);
    expect(targets.map((target) => [target.cloud, target.host, target.port, target.hostHeader, target.overridden])).toEqual([
      ['aws', '127.0.0.9', 8080, '127.0.0.9:8080', true],
      ['gcp', '169.254.169.254', 80, 'metadata.google.internal', false],
    ]);
  });

  it('accepts IPv6 stand-ins', () => {
    const [target] = planTargets(['gcp'], networkConfig({ targets: [{ cloud: 'gcp', url: 'http://[::1]:9000/' }] }));
    expect(target).toMatchObject({ host: '::1', port: 9000, hostHeader: '[::1]:9000' });
  });
});
