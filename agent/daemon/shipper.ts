import { gzipSync } from 'node:zlib';
import { TOOL_VERSION } from '../core/version.js';
import { stableHash } from '../lib/fingerprint.js';
import { postBatch, type Endpoint, type PostOutcome } from './http-post.js';
import type { Spool, SpoolEvent } from './spool.js';

export const BATCH_SCHEMA = 'runner-warden.batch/1';

export interface ShipPolicy {
  gzip: boolean;
  batchMaxEvents: number;
  batchMaxBytes: number;
  requestTimeoutMs: number;
  responseMaxBytes: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  intervalMs: number;
}

/** What the shipper reports to the agent (which turns it into log events). */
export interface ShipReport {
  onFailure(outcome: Extract<PostOutcome, { kind: 'retry' }>, attempt: number, delayMs: number, depth: number): void;
  onRejected(rejected: Array<{ id: string; reason: string }>): void;
}

/** Full-jitter exponential backoff: a uniform wait in [0, min(max, base * 2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.floor(random() * ceiling);
}

export function batchBody(hostId: string, events: readonly SpoolEvent[], now = new Date()): string {
  return `{"schema":"${BATCH_SCHEMA}","host_id":${JSON.stringify(hostId)},"sent_at":"${now.toISOString()}","events":[${events.map((event) => event.json).join(',')}]}`;
}

/** A timer that can be cut short. */
class Pause {
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  interrupt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake?.();
    this.wake = null;
  }
}

/**
 * Sends spooled events to the receiver, one request in flight, and deletes from the spool only
 * what the receiver's answer acknowledges. It runs beside the scans and never holds them up:
 * a slow endpoint costs at most one pending request.
 */
export class Shipper {
  private endpoint: Endpoint;
  private policy: ShipPolicy;
  private readonly spool: Spool;
  private readonly hostId: string;
  private readonly report: ShipReport;
  private readonly random: () => number;
  private readonly pause = new Pause();
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private stopRequested = false;
  private failures = 0;
  private backingOff = false;
  private lastFailed = false;
  private nextDelay = 0;
  private batchLimit: number;

  constructor(options: { endpoint: Endpoint; policy: ShipPolicy; spool: Spool; hostId: string; report: ShipReport; random?: () => number }) {
    this.endpoint = options.endpoint;
    this.policy = options.policy;
    this.spool = options.spool;
    this.hostId = options.hostId;
    this.report = options.report;
    this.random = options.random ?? Math.random;
    this.batchLimit = options.policy.batchMaxEvents;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New events were spooled: send now unless waiting out a backoff. */
  kick(): void {
    if (!this.backingOff) this.pause.interrupt();
  }

  reconfigure(endpoint: Endpoint, policy: ShipPolicy): void {
    this.endpoint = endpoint;
    this.policy = policy;
    this.batchLimit = policy.batchMaxEvents;
  }

  /**
   * Stops the loop. The request in flight gets until `graceMs` to be answered; if it was answered
   * and events are still owed, one last attempt is made within what is left of the grace period.
   */
  async stop(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    const abortTimer = setTimeout(() => this.stopping.abort(), graceMs);
    this.stopRequested = true;
    this.pause.interrupt();
    try {
      await this.running;
      const left = deadline - Date.now();
      if (!this.lastFailed && this.spool.depth > 0 && left > 100 && !this.stopping.signal.aborted) await this.sendOnce(left);
    } finally {
      clearTimeout(abortTimer);
      this.stopping.abort();
    }
  }

  /** Sends one batch; true when the receiver acknowledged it. */
  async sendOnce(timeoutMs = this.policy.requestTimeoutMs): Promise<boolean> {
    const batch = this.spool.peek(this.batchLimit, this.policy.batchMaxBytes);
    if (batch.length === 0) return true;
    const json = Buffer.from(batchBody(this.hostId, batch), 'utf8');
    const ids = batch.map((event) => event.id);
    const outcome = await postBatch(this.endpoint, {
      body: this.policy.gzip ? gzipSync(json) : json,
      gzip: this.policy.gzip,
      idempotencyKey: stableHash('batch', ...ids),
      timeoutMs: Math.min(timeoutMs, this.policy.requestTimeoutMs),
      responseMaxBytes: this.policy.responseMaxBytes,
      signal: this.stopping.signal,
      userAgent: `runner-warden/${TOOL_VERSION}`,
    });
    if (outcome.kind === 'ack') {
      const inBatch = new Set(ids);
      const rejected = outcome.rejected.filter((entry) => inBatch.has(entry.id));
      // Rejected events are refused for good (the receiver says why); keeping them would wedge the spool.
      this.spool.ack([...outcome.accepted.filter((id) => inBatch.has(id)), ...rejected.map((entry) => entry.id)]);
      if (rejected.length > 0) this.report.onRejected(rejected);
      this.failures = 0;
      this.lastFailed = false;
      this.batchLimit = this.policy.batchMaxEvents;
      return true;
    }
    this.failures += 1;
    this.lastFailed = true;
    if (outcome.tooLarge) this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
    const delay = outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, this.policy.backoffMaxMs) : backoffDelay(this.failures, this.policy.backoffBaseMs, this.policy.backoffMaxMs, this.random);
    this.nextDelay = delay;
    this.report.onFailure(outcome, this.failures, delay, this.spool.depth);
    return false;
  }

  private async loop(): Promise<void> {
    while (!this.stopRequested) {
      if (this.spool.depth === 0) {
        await this.pause.sleep(this.policy.intervalMs);
        continue;
      }
      const acked = await this.sendOnce();
      if (this.stopRequested) break;
      if (acked) continue;
      this.backingOff = true;
      await this.pause.sleep(this.nextDelay);
      this.backingOff = false;
    }
  }
}
