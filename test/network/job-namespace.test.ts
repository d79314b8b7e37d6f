import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainFacts, Facts } from '../../agent/core/facts.js';
import { networkMetadataReachable } from '../../checks/network/network-metadata-reachable.js';
import type { JobNetworks } from '../../collectors/network/jobs.js';
import { networkCollector } from '../../collectors/network/index.js';
import { collectMetadata } from '../../collectors/network/metadata.js';
import type { NetworkFacts } from '../../collectors/network/types.js';
import { networkConfig } from './helpers/config.js';
import { linkNamespaces, netnsUnavailable, TestNamespace } from './helpers/netns.js';
import { FAKE_CREDENTIAL, FAKE_TOKEN, standInProgram, startStandIn, type StandIn } from './helpers/standins.js';

const skip = netnsUnavailable();
const NSENTER = fs.existsSync('/usr/bin/nsenter') ? '/usr/bin/nsenter' : '/bin/nsenter';
/** Addresses of our own choosing, which exist only inside the two namespaces this file creates. */
const JOB_ADDRESS = '10.213.0.1/30';
const METADATA_ADDRESS = '10.213.0.2';

/** Waits until `pid` has entered `namespace` (ip netns exec switches, then execs). */
async function inNamespace(pid: number, namespace: TestNamespace): Promise<void> {
  const want = fs.statSync(`/run/netns/${namespace.name}`).ino;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (fs.statSync(`/proc/${pid}/ns/net`).ino === want) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`pid ${pid} never entered ${namespace.name}`);
}

function factsWith(network: NetworkFacts): Facts {
  return { schemaVersion: 1, tool: { name: 'runner-warden', version: 'test' }, host: { hostname: 'h', machineId: null }, root: '/', collectedAt: { start: '', end: '' }, collectors: [], domains: { network } };
}

describe.skipIf(skip !== null)(`probes from a job container's network namespace${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let jobNs: TestNamespace;
  let metadataNs: TestNamespace;
  let job: ChildProcess;
  let hostStandIn: StandIn;
  let jobs: JobNetworks;

  beforeAll(async () => {
    const tag = String(process.pid % 100_000);
    jobNs = new TestNamespace(`rwt-job-${tag}`);
    metadataNs = new TestNamespace(`rwt-meta-${tag}`);
    linkNamespaces(jobNs, JOB_ADDRESS, metadataNs, `${METADATA_ADDRESS}/30`, tag);
    await metadataNs.spawn([process.execPath, '-e', standInProgram(), 'imdsv1', METADATA_ADDRESS, '80'], 'ready');
    // The same loopback URL leads to different services per namespace: the host's gives tokens,
    // the job namespace's behaves like IMDS behind a hop limit of 1 (the PUT answer never arrives).
    hostStandIn = await startStandIn('imdsv2', '127.0.0.1');
    await jobNs.spawn([process.execPath, '-e', standInProgram(), 'imdsv2-hop-limited', '127.0.0.1', String(hostStandIn.port)], 'ready');
    job = await jobNs.spawn(['sleep', '600']);
    await inNamespace(job.pid as number, jobNs);
    jobs = { hostReasons: [], containers: [{ name: 'runner-abc-project-1-concurrent-0-build', id: 'c0ffee000001', pid: job.pid as number, networkMode: 'bridge' }], noContainerReason: null };
  }, 30_000);

  afterAll(async () => {
    await hostStandIn?.close();
    jobNs?.destroy();
    metadataNs?.destroy();
  });

  it('a job namespace that reaches IMDSv1 gives a critical finding; the host never sent a packet there', async () => {
    const config = networkConfig({ targets: [{ cloud: 'aws', url: `http://${METADATA_ADDRESS}:80` }], timeoutMs: 1500 });
    const metadata = await collectMetadata({ root: '/', config, cloud: 'aws', jobs, nsenter: NSENTER, signal: new AbortController().signal });
    const [host, container] = metadata.vantages;
    expect(host?.probes[0]).toMatchObject({ connect: 'guarded' });
    expect(container).toMatchObject({ id: 'container:runner-abc-project-1-concurrent-0-build', kind: 'job-container', status: 'probed' });
    expect(container?.probes[0]).toMatchObject({ target: `${METADATA_ADDRESS}:80`, connect: 'connected', answered: true, imds: { v1Answers: true, v2Token: 'issued' } });
    expect(JSON.stringify(metadata)).not.toContain(FAKE_TOKEN);
    expect(JSON.stringify(metadata)).not.toContain(FAKE_CREDENTIAL);

    const outcome = networkMetadataReachable.evaluate(factsWith({ metadata } as NetworkFacts) as never);
    expect(outcome.status).toBe('fail');
    if (outcome.status === 'fail') expect(outcome.findings.map((finding) => [finding.severity, finding.key])).toEqual([['critical', 'container:runner-abc-project-1-concurrent-0-build']]);
  });

  it('the host gets an IMDSv2 token, the job namespace only a 401: hop limit one, nothing for jobs', async () => {
    const config = networkConfig({ targets: [{ cloud: 'aws', url: hostStandIn.url }], timeoutMs: 800 });
    const metadata = await collectMetadata({ root: '/', config, cloud: 'aws', jobs, nsenter: NSENTER, signal: new AbortController().signal });
    expect(metadata.vantages.map((vantage) => [vantage.kind, vantage.probes[0]?.imds?.v2Token, vantage.probes[0]?.exchanges[0]?.status])).toEqual([
      ['host', 'issued', 401],
      ['job-container', 'no-answer', 401],
    ]);
    expect(metadata.awsHopLimit).toBe('one');
    expect(networkMetadataReachable.evaluate(factsWith({ metadata } as NetworkFacts) as never)).toEqual({ status: 'pass' });
  });

  it('a vanished job container is a failed vantage with a reason, not a failed scan', async () => {
    const gone = await jobNs.spawn(['true']);
    await new Promise((resolve) => gone.once('exit', resolve));
    const vanished: JobNetworks = { ...jobs, containers: [{ ...jobs.containers[0]!, name: 'gone', pid: gone.pid as number }] };
    const config = networkConfig({ targets: [{ cloud: 'aws', url: `http://${METADATA_ADDRESS}:80` }], timeoutMs: 500 });
    const metadata = await collectMetadata({ root: '/', config, cloud: 'aws', jobs: vanished, nsenter: NSENTER, signal: new AbortController().signal });
    expect(metadata.vantages[1]).toMatchObject({ kind: 'job-container', status: 'failed', probes: [] });
    expect(metadata.vantages[1]?.error).toMatch(/probe child exited with 1/);
  });

  it('the whole collector on the live root finds the job container in docker facts and probes from it', async () => {
    const docker = {
      available: true,
      daemon: { configFile: { tlsVerify: null } },
      containers: [
        { id: 'c0ffee000001aaaa', name: 'runner-abc-project-1-concurrent-0-build', running: true, pid: job.pid, networkMode: 'bridge', job: { type: 'build' } },
        { id: 'deadbeef0000bbbb', name: 'not-a-job', running: true, pid: job.pid, networkMode: 'bridge', job: null },
      ],
    } as unknown as DomainFacts['docker'];
    const config = networkConfig({ mode: 'always', targets: [{ cloud: 'aws', url: `http://${METADATA_ADDRESS}:80` }], timeoutMs: 1500 });
    const controller = new AbortController();
    const facts = await networkCollector.collect({ root: '/', config, deadline: Date.now() + 20_000, signal: controller.signal, log: pino({ level: 'silent' }), earlier: { docker } });
    expect(networkCollector.validate(facts)).toBeNull();
    expect(facts.metadata).toMatchObject({ mode: 'always', status: 'probed', jobVantageMissing: null });
    expect(facts.metadata.vantages.map((vantage) => vantage.id)).toEqual(['host', 'container:runner-abc-project-1-concurrent-0-build']);
    const fromJob = facts.metadata.vantages[1]?.probes ?? [];
    expect(fromJob.filter((probe) => probe.connect !== 'guarded').map((probe) => [probe.cloud, probe.answered])).toEqual([['aws', true]]);
    // Every other cloud's real endpoint was refused by the guard before any packet.
    expect(fromJob.filter((probe) => probe.cloud !== 'aws').every((probe) => probe.connect === 'guarded')).toBe(true);
    expect(facts.sockets.observed).toBe(true);
  });
});
