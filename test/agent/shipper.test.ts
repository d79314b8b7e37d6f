import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../agent/daemon/http-post.js';
import { backoffDelay, Shipper, type ShipPolicy } from '../../agent/daemon/shipper.js';
import { Spool } from '../../agent/daemon/spool.js';
import { ensureBuilt } from './helpers/build.js';
import { Receiver } from './helpers/receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const policy: ShipPolicy = {
  gzip: false,
  batchMaxEvents: 50,
  batchMaxBytes: 1 << 20,
  requestTimeoutMs: 400,
  responseMaxBytes: 64 * 1024,
  backoffBaseMs: 20,
  backoffMaxMs: 200,
  intervalMs: 50,
};

interface Failure {
  reason: string;
  status: number | null;
  delayMs: number;
}

async function setup(options: { events?: number; policy?: Partial<ShipPolicy>; token?: string | null; url?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-ship-'));
  const receiver = await new Receiver().listen();
  const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
  const failures: Failure[] = [];
  const rejected: string[] = [];
  const shipper = new Shipper({
    endpoint: { url: new URL(options.url ?? receiver.url), token: options.token === undefined ? 'tok-123' : options.token },
    policy: { ...policy, ...options.policy },
    spool,
    hostId: 'host-1',
    report: {
      onFailure: (outcome, _attempt, delayMs) => failures.push({ reason: outcome.reason, status: outcome.status, delayMs }),
      onRejected: (entries) => rejected.push(...entries.map((entry) => entry.id)),
    },
  });
  const ids = Array.from({ length: options.events ?? 10 }, (_, i) => `ev-${i}`);
  spool.append(
    ids.map((id) => ({ id, json: JSON.stringify({ event_id: id, event: 'finding.opened', message: `m ${id}` }) })),
    () => {
      throw new Error('unexpected loss');
    },
  );
  cleanups.push(async () => {
    await shipper.stop(0);
    spool.close();
    await receiver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { receiver, spool, shipper, failures, rejected, ids };
}

async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('shipper', () => {
  it('delivers every event, with the bearer token only in the Authorization header and an idempotency key', async () => {
    const { receiver, spool, shipper, ids } = await setup({ events: 120 });
    shipper.start();
    await until(() => spool.depth === 0);
    expect([...receiver.events.keys()].sort()).toEqual([...ids].sort());
    expect(receiver.requests.length).toBe(3); // batches of at most 50
    for (const request of receiver.requests) {
      expect(request.headers.authorization).toBe('Bearer tok-123');
      expect(request.headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
      expect(request.text).not.toContain('tok-123');
      expect(JSON.parse(request.text)).toMatchObject({ schema: 'runner-warden.batch/1', host_id: 'host-1' });
    }
  });

  it('gzips the batch when asked', async () => {
    const { receiver, spool, shipper } = await setup({ policy: { gzip: true } });
    shipper.start();
    await until(() => spool.depth === 0);
    expect(receiver.requests[0]?.headers['content-encoding']).toBe('gzip');
    expect(receiver.requests[0]?.raw[0]).toBe(0x1f);
  });

  it('a bare 2xx (an HTML page) is not an acknowledgement: nothing leaves the spool', async () => {
    const { receiver, spool, shipper, failures } = await setup();
    receiver.mode = 'garbage';
    shipper.start();
    await until(() => failures.length >= 3);
    expect(spool.depth).toBe(10);
    expect(failures[0]?.reason).toMatch(/not an acknowledgement/);
    receiver.mode = 'ack';
    await until(() => spool.depth === 0);
    expect(receiver.events.size).toBe(10);
  });

  it('deletes only the ids the answer lists', async () => {
    const { receiver, spool, shipper } = await setup({ events: 8 });
    receiver.mode = 'ackHalf';
    expect(await shipper.sendOnce()).toBe(true);
    expect(spool.depth).toBe(4);
    expect(spool.peek(10, 1 << 20).map((event) => event.id)).toEqual(['ev-4', 'ev-5', 'ev-6', 'ev-7']);
  });

  it('drops events the receiver rejects for good, and reports them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-ship-'));
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const ids = (JSON.parse(body) as { events: Array<{ event_id: string }> }).events.map((event) => event.event_id);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids.slice(1), rejected: [{ id: ids[0], reason: 'schema' }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append([{ id: 'x1', json: '{"event_id":"x1"}' }, { id: 'x2', json: '{"event_id":"x2"}' }], () => ({ id: '', json: '' }));
    const rejected: string[] = [];
    const shipper = new Shipper({
      endpoint: { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`), token: null },
      policy,
      spool,
      hostId: 'h',
      report: { onFailure: () => undefined, onRejected: (entries) => rejected.push(...entries.map((entry) => entry.id)) },
    });
    expect(await shipper.sendOnce()).toBe(true);
    expect(spool.depth).toBe(0);
    expect(rejected).toEqual(['x1']);
    spool.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('honours Retry-After on 429 instead of its own backoff', async () => {
    // Its own first backoff would be at most 20 ms; the receiver asks for 1 s.
    const { receiver, spool, shipper, failures } = await setup({ policy: { backoffMaxMs: 5000 } });
    receiver.mode = 'retry429';
    receiver.retryAfter = '1';
    shipper.start();
    await until(() => receiver.requests.length >= 2, 5000);
    const gap = (receiver.requests[1]?.at ?? 0) - (receiver.requests[0]?.at ?? 0);
    expect(failures[0]?.status).toBe(429);
    expect(failures[0]?.delayMs).toBe(1000);
    expect(gap).toBeGreaterThanOrEqual(990);
    receiver.mode = 'ack';
    await until(() => spool.depth === 0);
  });

  it('backs off on 500 with full jitter, never above the cap', async () => {
    const { receiver, shipper, failures } = await setup();
    receiver.mode = 'error500';
    shipper.start();
    await until(() => failures.length >= 8, 10_000);
    expect(failures.every((failure) => failure.status === 500 && failure.delayMs >= 0 && failure.delayMs <= 200)).toBe(true);
    expect(receiver.requests.length).toBeLessThanOrEqual(failures.length + 1);
  });

  it('stops a request that never gets an answer at the overall deadline', async () => {
    const { receiver, spool, shipper, failures } = await setup({ policy: { requestTimeoutMs: 300 } });
    receiver.mode = 'hang';
    const started = Date.now();
    expect(await shipper.sendOnce()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failures[0]?.reason).toMatch(/no answer within 300 ms/);
    expect(spool.depth).toBe(10);
  });

  it('stops a server that trickles its answer a byte at a time (per-read timeouts would not)', async () => {
    const server = http.createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const { shipper, failures, spool } = await setup({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, policy: { requestTimeoutMs: 400 } });
    const started = Date.now();
    expect(await shipper.sendOnce()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failures[0]?.reason).toMatch(/deadline|no answer/);
    expect(spool.depth).toBe(10);
  });

  it('never follows a redirect: the other server receives nothing', async () => {
    const other = await new Receiver().listen();
    cleanups.push(() => other.close());
    const { receiver, shipper, failures, spool } = await setup();
    receiver.mode = 'redirect';
    receiver.redirectTo = other.url;
    expect(await shipper.sendOnce()).toBe(false);
    expect(failures[0]?.reason).toMatch(/redirect 307 not followed/);
    expect(other.requests).toHaveLength(0);
    expect(spool.depth).toBe(10);
  });

  it('caps the answer it reads', async () => {
    const server = http.createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end(`{"accepted":[],"pad":"${'x'.repeat(1 << 20)}"}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { shipper, failures } = await setup({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    expect(await shipper.sendOnce()).toBe(false);
    expect(failures[0]?.reason).toMatch(/larger than 65536 bytes/);
  });

  it('halves the batch on 413', async () => {
    let sizes: number[] = [];
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const ids = (JSON.parse(body) as { events: Array<{ event_id: string }> }).events.map((event) => event.event_id);
        sizes.push(ids.length);
        if (ids.length > 3) return response.writeHead(413).end();
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { shipper, spool } = await setup({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    shipper.start();
    await until(() => spool.depth === 0);
    expect(sizes.slice(0, 3)).toEqual([10, 5, 2]);
    sizes = [];
  });
});

describe('request deadline in a long-running process', () => {
  it('still fires after a garbage collection (AbortSignal.any over AbortSignal.timeout did not)', () => {
    ensureBuilt();
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(import.meta.dirname, 'fixtures/deadline-after-gc.mjs')], { encoding: 'utf8', timeout: 20_000 });
    const match = /^retry after (\d+) ms: no answer within 500 ms/.exec(out);
    expect(match, out).not.toBeNull();
    expect(Number(match?.[1])).toBeLessThan(2000);
  }, 240_000);
});

describe('retry timing', () => {
  it('full jitter stays within [0, min(cap, base*2^(n-1))]', () => {
    for (let attempt = 1; attempt < 30; attempt++) {
      expect(backoffDelay(attempt, 1000, 300_000, () => 0.999999)).toBeLessThanOrEqual(Math.min(300_000, 1000 * 2 ** (attempt - 1)));
      expect(backoffDelay(attempt, 1000, 300_000, () => 0)).toBe(0);
    }
    expect(backoffDelay(1000, 1000, 300_000, () => 0.5)).toBe(150_000);
  });

  it('parses Retry-After as seconds or an HTTP date, and ignores junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('abc', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
