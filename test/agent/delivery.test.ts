import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/daemon/spool.js';
import { AgentProcess, AgentSandbox, processRssMb, type LogLine } from './helpers/agent-process.js';
import { ensureBuilt } from './helpers/build.js';
import { freePort, Receiver, type ReceiverMode } from './helpers/receiver.js';

const SHIPPED = new Set(['finding.opened', 'finding.resolved', 'finding.suppressed', 'scan.summary', 'scan.failed', 'spool.loss', 'agent.started']);
const FAST_SHIPPING = { backoff_base_seconds: 0.05, backoff_max_seconds: 0.5, request_timeout_seconds: 2, interval_seconds: 0.1 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(() => ensureBuilt(), 240_000);

function sandbox(): AgentSandbox {
  const box = new AgentSandbox();
  cleanups.push(() => box.cleanup());
  return box;
}

async function receiver(port = 0): Promise<Receiver> {
  const server = await new Receiver().listen(port);
  cleanups.push(() => server.close());
  return server;
}

function start(box: AgentSandbox, launcher: string[] = []): AgentProcess {
  const agent = AgentProcess.start(box, launcher);
  cleanups.push(async () => {
    if (agent.child.exitCode === null && agent.child.signalCode === null) {
      agent.kill('SIGKILL');
      await agent.exited;
    }
  });
  return agent;
}

/** Ids of the events the agent logged that it also ships (it logs them only once they are spooled). */
function shippedIds(lines: readonly LogLine[]): Set<string> {
  return new Set(lines.filter((line) => SHIPPED.has(line.event ?? '') && typeof line.event_id === 'string').map((line) => line.event_id as string));
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const allArrived = (ids: Set<string>, server: Receiver): boolean => [...ids].every((id) => server.events.has(id));

async function stopWithin(agent: AgentProcess, ms: number): Promise<number | null> {
  const asked = Date.now();
  agent.kill('SIGTERM');
  const { code } = await agent.exited;
  expect(Date.now() - asked).toBeLessThan(ms);
  return code;
}

describe('agent delivery (real agent processes, receiver on 127.0.0.1)', () => {
  it('endpoint down for the whole run, then up: every event arrives, once after dedupe', async () => {
    const box = sandbox();
    const port = await freePort();
    box.writeConfig({}, { url: `http://127.0.0.1:${port}/ingest`, ...FAST_SHIPPING });
    const agent = start(box);
    await agent.waitFor(() => agent.events('scan.summary').length >= 3 && agent.events('ship.failed').length >= 2, 60_000, 'scans while the endpoint is down');

    // SIGHUP with a broken config: reported, and the agent keeps going on the old one.
    const good = fs.readFileSync(box.configPath, 'utf8');
    fs.writeFileSync(box.configPath, `${good}\nbogus_key = 1\n`);
    agent.kill('SIGHUP');
    await agent.waitFor(() => agent.events('config.rejected').length === 1, 10_000, 'config.rejected');
    fs.writeFileSync(box.configPath, good);
    const summariesBefore = agent.events('scan.summary').length;

    const server = await receiver(port);
    await agent.waitFor(() => agent.events('scan.summary').length > summariesBefore && allArrived(shippedIds(agent.lines), server), 60_000, 'delivery after the endpoint came up');
    expect(await stopWithin(agent, 6000)).toBe(0);

    const logged = shippedIds(agent.lines);
    expect(allArrived(logged, server)).toBe(true);
    expect([...server.events.keys()].every((id) => logged.has(id))).toBe(true);
    expect(agent.lines.filter((line) => String(line.message).startsWith('UNPARSEABLE'))).toEqual([]);
  }, 180_000);

  it('SIGKILL at random points over 20 shipping cycles: nothing lost, duplicates only of the same ids', async () => {
    const box = sandbox().withRiskyRunner();
    const server = await receiver();
    server.delayMs = 150; // stored before the answer: a kill in between makes the agent re-send
    box.writeConfig({}, { url: server.url, ...FAST_SHIPPING, batch_max_events: 2 });
    // A backlog, so the kills also land in the middle of shipping (a batch stored but not yet acknowledged).
    const backlog = Spool.open({ dir: path.join(box.stateDir, 'spool'), maxBytes: 1 << 20, segmentBytes: 16 * 1024 });
    const backlogIds = Array.from({ length: 120 }, (_, i) => `backlog-${i}`);
    backlog.append(
      backlogIds.map((id) => ({ id, json: JSON.stringify({ event_id: id, event: 'finding.opened', message: 'earlier outage' }) })),
      () => ({ id: 'none', json: '{}' }),
    );
    backlog.close();
    let seed = 20261129;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const lines: LogLine[] = [];
    for (let cycle = 0; cycle < 20; cycle++) {
      const agent = start(box);
      await new Promise((resolve) => setTimeout(resolve, 1000 + Math.floor(random() * 3000)));
      agent.kill('SIGKILL');
      await agent.exited;
      lines.push(...agent.lines);
    }
    const final = start(box);
    await final.waitFor(() => final.events('scan.summary').length >= 1 && allArrived(new Set([...shippedIds([...lines, ...final.lines]), ...backlogIds]), server), 90_000, 'everything logged before the kills to arrive');
    expect(await stopWithin(final, 6000)).toBe(0);
    lines.push(...final.lines);

    const logged = shippedIds(lines);
    const missing = [...logged, ...backlogIds].filter((id) => !server.events.has(id));
    expect(missing).toEqual([]);
    expect(logged.size).toBeGreaterThan(5);
    expect(server.duplicates).toBeGreaterThan(0); // some kills did land between "stored" and "acknowledged"
    // The findings stay open throughout: however the kills fell, each was opened once (after dedupe by id).
    const opened = [...server.events.values()].filter((event) => event.event === 'finding.opened' && !String(event.event_id).startsWith('backlog-'));
    const fingerprints = opened.map((event) => String(event.fingerprint));
    expect(opened.length).toBeGreaterThan(0);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    // Every copy the receiver saw beyond the first had an id it already held (counted, then dropped).
    const copies = server.requests.reduce((sum, request) => sum + (JSON.parse(request.text) as { events: unknown[] }).events.length, 0);
    expect(copies).toBe(server.events.size + server.duplicates);
    console.info(`kill test: ${logged.size} events logged + ${backlogIds.length} backlog, ${server.events.size} distinct received, ${server.duplicates} duplicates dropped by id, ${server.requests.length} requests`);
  }, 240_000);

  it('endpoint answering 500, 429 + Retry-After, garbage or nothing: keeps scanning, backs off, memory bounded', async () => {
    const modes: ReceiverMode[] = ['error500', 'retry429', 'garbage', 'hang'];
    const runs = await Promise.all(
      modes.map(async (mode) => {
        const box = sandbox();
        const server = await receiver();
        server.mode = mode;
        server.retryAfter = '2';
        box.writeConfig({}, { url: server.url, ...FAST_SHIPPING, request_timeout_seconds: mode === 'hang' ? 0.5 : 2 });
        const agent = start(box);
        return { mode, box, server, agent, rss: [] as number[] };
      }),
    );
    // At least 20 s of failures, and until every agent has finished two scans (the box may be loaded).
    const started = Date.now();
    while (Date.now() - started < 20_000 || runs.some((run) => run.agent.events('scan.summary').length < 2)) {
      if (Date.now() - started > 150_000) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const run of runs) run.rss.push(processRssMb(run.agent.child.pid ?? 0));
    }
    const elapsed = Date.now() - started;
    for (const run of runs) {
      const summaries = run.agent.events('scan.summary').length;
      const failures = run.agent.events('ship.failed');
      expect(summaries, `${run.mode}: scans continue`).toBeGreaterThanOrEqual(2);
      expect(failures.length, `${run.mode}: failures reported`).toBeGreaterThanOrEqual(2);
      const delays = failures.map((line) => Number(line.retry_in_ms));
      expect(delays.filter((delay) => !(delay >= 0 && delay <= 500)), `${run.mode}: delays within [0, backoff_max]`).toEqual([]);
      expect(run.server.events.size, `${run.mode}: nothing counted as delivered`).toBe(0);
      if (run.mode === 'retry429') {
        const throttled = failures.filter((line) => line.status === 429);
        expect(throttled.length).toBeGreaterThanOrEqual(2);
        expect(throttled.filter((line) => line.retry_in_ms !== 500).map((line) => line.message), 'Retry-After 2 s, capped by backoff_max 0.5 s').toEqual([]);
        expect(run.server.requests.length).toBeLessThanOrEqual(elapsed / 500 + 4);
      }
      expect(Math.max(...run.rss), `${run.mode}: agent RSS`).toBeLessThan(160);
      expect((run.rss.at(-1) ?? 0) - (run.rss[5] ?? 0), `${run.mode}: RSS growth after warm-up`).toBeLessThan(25);
    }
    // A hung request in flight does not hold up a stop.
    const hung = runs.find((run) => run.mode === 'hang');
    if (hung) expect(await stopWithin(hung.agent, 6000)).toBe(0);
    // Once the endpoint behaves, everything owed arrives.
    for (const run of runs.filter((candidate) => candidate.mode !== 'hang')) {
      run.server.mode = 'ack';
      await run.agent.waitFor(() => allArrived(shippedIds(run.agent.lines), run.server), 60_000, `${run.mode}: delivery after recovery`);
      console.info(`${run.mode}: ${run.agent.events('scan.summary').length} scans, ${run.agent.events('ship.failed').length} failed attempts, RSS ${run.rss.map((value) => value.toFixed(0)).join('/')} MiB`);
      expect(await stopWithin(run.agent, 6000)).toBe(0);
    }
  }, 300_000);

  it('spool full: the oldest go, the loss is counted and reported, the agent keeps working', async () => {
    const box = sandbox();
    const port = await freePort();
    // 150 undelivered events (~105 KiB) from an earlier outage, then a 64 KiB bound.
    const old = Spool.open({ dir: path.join(box.stateDir, 'spool'), maxBytes: 1 << 20, segmentBytes: 16 * 1024 });
    const oldIds = Array.from({ length: 150 }, (_, i) => `old-${i}`);
    old.append(
      oldIds.map((id) => ({ id, json: JSON.stringify({ event_id: id, event: 'finding.opened', message: 'x'.repeat(600) }) })),
      () => ({ id: 'none', json: '{}' }),
    );
    old.close();
    box.writeConfig({}, { url: `http://127.0.0.1:${port}/ingest`, ...FAST_SHIPPING, spool_max_bytes: 65_536, spool_segment_bytes: 16_384 });
    const agent = start(box);
    await agent.waitFor(() => agent.events('spool.loss').length >= 1, 60_000, 'spool.loss');
    const lossCount = agent.events('scan.summary').length;
    await agent.waitFor(() => agent.events('scan.summary').length >= lossCount + 2, 60_000, 'scans after the loss');
    const spoolBytes = fs.readdirSync(path.join(box.stateDir, 'spool')).reduce((sum, name) => sum + fs.statSync(path.join(box.stateDir, 'spool', name)).size, 0);
    expect(spoolBytes).toBeLessThanOrEqual(65_536);

    const server = await receiver(port);
    await agent.waitFor(() => allArrived(shippedIds(agent.lines), server), 60_000, 'delivery of what is left');
    await until(() => server.events.size > 0 && !fs.readdirSync(path.join(box.stateDir, 'spool')).some((name) => name.endsWith('.seg')), 60_000, 'an empty spool');
    expect(await stopWithin(agent, 6000)).toBe(0);

    const losses = agent.events('spool.loss');
    expect(losses.every((line) => line.level === 50)).toBe(true);
    const lost = losses.reduce((sum, line) => sum + Number(line.lost), 0);
    const oldDelivered = oldIds.filter((id) => server.events.has(id)).length;
    expect(lost).toBeGreaterThan(0);
    expect(oldDelivered + lost).toBe(150);
    expect(oldIds.slice(0, lost).some((id) => server.events.has(id))).toBe(false); // the oldest went
    const shippedLoss = [...server.events.values()].filter((event) => event.event === 'spool.loss');
    expect(shippedLoss.reduce((sum, event) => sum + Number(event.lost), 0)).toBe(lost);
  }, 180_000);
});

describe.runIf(process.getuid?.() === 0)('agent on a full disk (root: a tmpfs in a private mount namespace)', () => {
  it('keeps scanning when the state dir is full, says so, and ships the changes once space returns', async () => {
    const box = sandbox().withRiskyRunner();
    const server = await receiver();
    box.writeConfig({}, { url: server.url, ...FAST_SHIPPING });
    // First run on a normal disk: identity and state exist, as on a host that has run for a while.
    const first = start(box);
    await first.waitFor(() => first.events('scan.summary').length >= 1, 60_000, 'a first scan');
    expect(await stopWithin(first, 6000)).toBe(0);
    const delivered = server.events.size;

    // Then: the state dir is a 256 KiB tmpfs, filled up; the filler goes away after 12 s.
    const script = [
      'set -e',
      'copy="$1.copy"; cp -a "$1" "$copy"',
      'mount -t tmpfs -o size=256k,mode=0700 tmpfs "$1"',
      'cp -a "$copy/." "$1/"',
      'dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true',
      '(sleep 12; rm -f "$1/filler") &',
      'shift; exec "$@"',
    ].join('\n');
    const agent = start(box, ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', box.stateDir]);
    await agent.waitFor(() => agent.events('spool.error').length >= 1, 60_000, 'spool.error on the full disk');
    const summariesWhileFull = agent.events('scan.summary').length;
    await agent.waitFor(() => agent.events('scan.summary').length > summariesWhileFull + 1, 90_000, 'scans going on');
    // Space returns: later scans' summaries reach the receiver.
    await agent.waitFor(() => agent.events('scan.summary').some((line) => server.events.has(String(line.event_id))), 90_000, 'delivery after space returned');
    expect(agent.lines.filter((line) => String(line.message).startsWith('UNPARSEABLE'))).toEqual([]);
    expect(await stopWithin(agent, 6000)).toBe(0);
    expect(agent.child.exitCode).toBe(0);
  }, 240_000);
});
