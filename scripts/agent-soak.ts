/*
 * Soak figure for the agent: N scan cycles (default 100) in one agent process, each scan in its
 * supervised child, events diffed, logged (to a discarding stream) and shipped to a loopback
 * receiver that acknowledges them. Prints the agent process's RSS after 1, 10 and 100 scans
 * (after a GC when node runs with --expose-gc), then one JSON line with the same figures.
 *
 *   node --expose-gc dist/scripts/agent-soak.js [--scans 100]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent } from '../agent/daemon/agent.js';

const RUNNER_CONFIG = `concurrent = 4

[[runners]]
  name = "soak-runner"
  url = "https://gitlab.example.com"
  token = "glrt-soakSOAKsoakSOAKsoak1234"
  executor = "docker"
  [runners.docker]
    image = "alpine:3"
    privileged = true
    volumes = ["/var/run/docker.sock:/var/run/docker.sock", "/cache"]
`;

function scansWanted(argv: string[]): number {
  const index = argv.indexOf('--scans');
  const value = index >= 0 ? Number(argv[index + 1]) : 100;
  return Number.isInteger(value) && value > 0 ? value : 100;
}

/** A receiver that acknowledges every event (docs/protocol.md), on 127.0.0.1. */
async function startReceiver(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const batch = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Array<{ event_id: string }> };
      received += batch.events.length;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: batch.events.map((event) => event.event_id) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/ingest`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function rssMib(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage.rss() / 1024 / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const scans = scansWanted(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-soak-'));
  const root = path.join(dir, 'host');
  fs.mkdirSync(path.join(root, 'etc/gitlab-runner'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/hostname'), 'soak-host\n');
  fs.writeFileSync(path.join(root, 'etc/gitlab-runner/config.toml'), RUNNER_CONFIG, { mode: 0o600 });
  const receiver = await startReceiver();
  const configPath = path.join(dir, 'config.toml');
  fs.writeFileSync(
    configPath,
    [
      '[scan]',
      `root = ${JSON.stringify(root)}`,
      '[network]',
      'metadata_probes = "never"',
      '[docker]',
      `socket = ${JSON.stringify(path.join(dir, 'no-docker.sock'))}`,
      '[agent]',
      'schedule = "0 0 1 1 *"',
      '[agent.ship]',
      `url = ${JSON.stringify(receiver.url)}`,
      'interval_seconds = 0.2',
      '',
    ].join('\n'),
  );
  const agent = Agent.create({ configPath, stateDir: path.join(dir, 'state'), logStream: { write: () => undefined } });
  const marks = new Set([1, 10, 100, scans]);
  const figures: Record<string, number> = {};
  let childPeak = 0;
  let failed = 0;
  const started = Date.now();
  for (let scan = 1; scan <= scans; scan++) {
    const cycle = await agent.scanOnce();
    childPeak = Math.max(childPeak, cycle.childPeakRssMb);
    if (!cycle.ok) failed += 1;
    if (marks.has(scan)) {
      await agent.drain(10_000);
      figures[`rss_mib_after_${scan}`] = rssMib();
      process.stdout.write(`after ${String(scan).padStart(3)} scans: agent RSS ${figures[`rss_mib_after_${scan}`]} MiB, spool depth ${agent.spoolDepth}, events received ${receiver.received()}\n`);
    }
  }
  await agent.stop();
  await receiver.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const summary = { scans, failed, seconds: Math.round((Date.now() - started) / 100) / 10, scan_child_peak_rss_mib: childPeak, ...figures };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`agent-soak: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
