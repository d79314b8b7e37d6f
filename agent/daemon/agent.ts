import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { DestinationStream, Logger } from 'pino';
import { ConfigError, loadConfig } from '../config/load.js';
import type { WardenConfig } from '../config/schema.js';
import { redactSecrets, safeErrorMessage, safeText } from '../lib/sanitize.js';
import { diffScan, type DiffState } from './diff.js';
import { loadEndpoint, shipPolicy } from './endpoint.js';
import { agentEvent, isShipped, type EventOrigin, type WardenEvent } from './events.js';
import { createEventLogger, logEvent } from './logger.js';
import { Shipper } from './shipper.js';
import { MAX_EVENT_BYTES, Spool } from './spool.js';
import { StateDir } from './state.js';
import { runScanChild, scanChildEntry } from './supervisor.js';

const SCRATCH_PREFIX = 'runner-warden-scan-';

/** Scratch dirs of agents that died without cleaning up (SIGKILL); a live agent's dir is left alone. */
function removeStaleScratchDirs(): void {
  try {
    for (const name of fs.readdirSync(os.tmpdir())) {
      const pid = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name)?.[1];
      if (pid && !fs.existsSync(`/proc/${pid}`)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // Best effort: a leftover dir costs a few KiB.
  }
}

/** How long the shipper may keep flushing once the agent is told to stop. */
const STOP_GRACE_MS = 3000;

export interface AgentOptions {
  /** Config file; undefined means the default path (optional). */
  configPath: string | undefined;
  /** Overrides agent.state_dir. */
  stateDir?: string;
  /** The scan child module (tests substitute their own). */
  childEntry?: string;
  /** Where log lines go instead of stdout (embedding, tests). */
  logStream?: DestinationStream;
  random?: () => number;
}

export interface ScanCycleResult {
  ok: boolean;
  events: number;
  /** Peak resident size of the scan child, MiB (sampled). */
  childPeakRssMb: number;
}

/** Loads and checks a config the agent can run with (schedule and endpoint files included). */
function loadAgentConfig(configPath: string | undefined, stateDirOverride: string | undefined): WardenConfig {
  const { config } = loadConfig(configPath);
  if (stateDirOverride) config.agent.state_dir = stateDirOverride;
  if (!cron.validate(config.agent.schedule)) throw new ConfigError(`agent.schedule: not a valid cron expression`);
  loadEndpoint(config.agent.ship);
  return config;
}

/**
 * The long-running agent: scans on a schedule in a supervised child, turns each scan into change
 * events against the state it keeps, logs them and ships them through the disk spool.
 */
export class Agent {
  private config: WardenConfig;
  private readonly options: AgentOptions;
  private readonly state: StateDir;
  private readonly log: Logger;
  private readonly origin: EventOrigin;
  private readonly random: () => number;
  private spool: Spool | null = null;
  private shipper: Shipper | null = null;
  private diff: DiffState | null;
  private task: ScheduledTask | null = null;
  private readonly splayTimers = new Set<NodeJS.Timeout>();
  private scanning: Promise<ScanCycleResult> | null = null;
  private pendingScan = false;
  private readonly stopScan = new AbortController();
  private stopped = false;
  private lostSinceStart = 0;
  /** Private temp dir for the scan child's result: a full state dir must not stop scans. */
  private readonly scratchDir: string;

  private constructor(config: WardenConfig, options: AgentOptions) {
    this.config = config;
    this.options = options;
    this.random = options.random ?? Math.random;
    this.log = createEventLogger({
      level: config.agent.log_level,
      ...(config.agent.log_file ? { file: config.agent.log_file } : {}),
      ...(options.logStream ? { stream: options.logStream } : {}),
    });
    this.state = new StateDir(config.agent.state_dir);
    removeStaleScratchDirs();
    this.scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
    this.origin = { host: os.hostname(), hostId: this.state.hostId() };
    this.diff = this.state.loadDiff();
    this.openShipping();
  }

  /** Throws ConfigError when the config cannot be used. */
  static create(options: AgentOptions): Agent {
    return new Agent(loadAgentConfig(options.configPath, options.stateDir), options);
  }

  get spoolDepth(): number {
    return this.spool?.depth ?? 0;
  }

  /** Starts the schedule and the first scan. */
  start(): void {
    this.record([agentEvent(this.origin, 'agent.started', 'agent started', { schedule: this.config.agent.schedule, shipping: this.shipper !== null, spool_depth: this.spoolDepth })]);
    this.shipper?.start();
    this.schedule();
    this.requestScan('start');
  }

  /** Runs one scan cycle now (the --once mode and the soak benchmark). */
  scanOnce(): Promise<ScanCycleResult> {
    return this.runCycle();
  }

  /** Ships until the spool is empty or `timeoutMs` passes; true when nothing is owed. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (!this.shipper || !this.spool) return true;
    const deadline = Date.now() + timeoutMs;
    this.shipper.start();
    while (this.spool.depth > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.spool.depth === 0;
  }

  /** SIGHUP: re-read the config; a bad one is reported and the running one kept. */
  async reload(): Promise<void> {
    let next: WardenConfig;
    try {
      next = loadAgentConfig(this.options.configPath, this.options.stateDir);
    } catch (error) {
      const reason = error instanceof ConfigError ? error.message : safeErrorMessage(error);
      this.record([agentEvent(this.origin, 'config.rejected', `config not reloaded, keeping the running one: ${reason}`, { error: reason })]);
      return;
    }
    const restartNeeded = (['state_dir', 'log_file'] as const).filter((key) => next.agent[key] !== this.config.agent[key]);
    next.agent.state_dir = this.config.agent.state_dir;
    next.agent.log_file = this.config.agent.log_file;
    const previous = this.config.agent.ship;
    this.config = next;
    this.log.level = next.agent.log_level;
    // Always re-read the endpoint files: SIGHUP is how a rotated token or certificate takes effect.
    await this.reopenShipping(previous);
    this.schedule();
    this.record([agentEvent(this.origin, 'config.reloaded', 'config reloaded', { schedule: next.agent.schedule, restart_needed_for: restartNeeded })]);
  }

  /** SIGTERM: no new scans, the running one is killed, the shipper flushes what it can. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    void this.task?.destroy();
    for (const timer of this.splayTimers) clearTimeout(timer);
    this.stopScan.abort();
    this.record([agentEvent(this.origin, 'agent.stopping', 'agent stopping', { spool_depth: this.spoolDepth })]);
    await this.scanning?.catch(() => undefined);
    await this.shipper?.stop(STOP_GRACE_MS);
    this.spool?.close();
    fs.rmSync(this.scratchDir, { recursive: true, force: true });
  }

  private schedule(): void {
    void this.task?.destroy();
    this.task = cron.schedule(this.config.agent.schedule, () => {
      const splayMs = Math.floor(this.random() * this.config.agent.splay_seconds * 1000);
      const timer = setTimeout(() => {
        this.splayTimers.delete(timer);
        this.requestScan('schedule');
      }, splayMs);
      this.splayTimers.add(timer);
    }, { logger: this.cronLogger() });
  }

  /** node-cron logs through console (stdout); its warnings become log events instead, so stdout stays JSON lines. */
  private cronLogger(): { info: (message: string) => void; warn: (message: string) => void; error: (message: string | Error) => void; debug: () => void } {
    const report = (message: string | Error): void =>
      logEvent(this.log, agentEvent(this.origin, 'schedule.warning', `scheduler: ${message instanceof Error ? safeErrorMessage(message) : message}`));
    return { info: () => undefined, debug: () => undefined, warn: report, error: report };
  }

  /** Never two scans at once: a scan due while one runs waits for it, and the log says so. */
  private requestScan(reason: string): void {
    if (this.stopped) return;
    if (this.scanning) {
      if (!this.pendingScan) {
        this.pendingScan = true;
        this.record([agentEvent(this.origin, 'scan.delayed', `a ${reason} scan is due while the previous scan still runs; it starts when that one ends`, { reason })]);
      }
      return;
    }
    this.scanning = this.runCycle().finally(() => {
      this.scanning = null;
      if (this.pendingScan) {
        this.pendingScan = false;
        this.requestScan('delayed');
      }
    });
  }

  /** One scan cycle; whatever goes wrong in it (a full disk, say) is reported, never fatal to the agent. */
  private async runCycle(): Promise<ScanCycleResult> {
    try {
      return await this.scanCycle();
    } catch (error) {
      this.record([agentEvent(this.origin, 'scan.failed', `scan cycle failed, retried at the next scan: ${safeErrorMessage(error)}`, { reason: 'agent' })]);
      return { ok: false, events: 1, childPeakRssMb: 0 };
    }
  }

  private async scanCycle(): Promise<ScanCycleResult> {
    const agent = this.config.agent;
    const outcome = await runScanChild({
      entry: this.options.childEntry ?? scanChildEntry(),
      config: this.config,
      outFile: path.join(this.scratchDir, 'scan-result.json'),
      timeoutMs: agent.scan_timeout_seconds * 1000,
      memoryMaxMb: agent.scan_memory_max_mb,
      heapMaxMb: agent.scan_heap_max_mb,
      signal: this.stopScan.signal,
    });
    if (outcome.kind !== 'ok') {
      if (outcome.kind === 'killed' && outcome.reason === 'stopped') return { ok: false, events: 0, childPeakRssMb: outcome.peakRssMb };
      const why =
        outcome.kind === 'killed'
          ? outcome.reason === 'deadline'
            ? `killed after ${agent.scan_timeout_seconds}s (scan deadline)`
            : `killed above ${agent.scan_memory_max_mb} MiB (memory ceiling)`
          : `scan child failed (exit ${outcome.exitCode ?? outcome.signal}): ${outcome.detail}`;
      this.record([
        agentEvent(this.origin, 'scan.failed', why, {
          reason: outcome.kind === 'killed' ? outcome.reason : 'crashed',
          duration_ms: outcome.durationMs,
          peak_rss_mb: outcome.peakRssMb,
        }),
      ]);
      return { ok: false, events: 1, childPeakRssMb: outcome.peakRssMb };
    }
    this.origin.host = outcome.result.host.hostname;
    const { findingEvents, summary, next } = diffScan(this.diff, outcome.result, this.origin);
    const events: WardenEvent[] = [...findingEvents, summary];
    // Order matters for crash safety: spool (durable) first, then the log, then the state. A crash
    // before the state is saved replays this scan with the same event ids, which the receiver drops.
    if (!this.record(events)) return { ok: false, events: 0, childPeakRssMb: outcome.peakRssMb };
    this.state.saveDiff(next);
    this.diff = next;
    return { ok: true, events: events.length, childPeakRssMb: outcome.peakRssMb };
  }

  /** Spools the shipped events (one fsync), then logs every event. False when the spool refused them. */
  private record(events: WardenEvent[]): boolean {
    let ok = true;
    if (this.spool) {
      const batch: Array<{ id: string; json: string }> = [];
      for (const event of events.filter(isShipped)) {
        const json = redactSecrets(JSON.stringify(event));
        // One oversized event must not wedge every later scan: it is logged, not spooled.
        if (Buffer.byteLength(json) > MAX_EVENT_BYTES) logEvent(this.log, agentEvent(this.origin, 'spool.error', `event ${event.event} ${event.event_id} is larger than ${MAX_EVENT_BYTES} bytes; logged only`));
        else batch.push({ id: event.event_id, json });
      }
      try {
        if (batch.length > 0) this.spool.append(batch, (lost) => this.lossEvent(lost));
      } catch (error) {
        ok = false;
        logEvent(this.log, agentEvent(this.origin, 'spool.error', `cannot write the spool (${safeErrorMessage(error)}): a scan's changes are sent again after the next scan, other events are in the log only`));
      }
    }
    for (const event of events) logEvent(this.log, event);
    if (ok) this.shipper?.kick();
    return ok;
  }

  /** The event written in place of the oldest events a full spool drops. */
  private lossEvent(lost: number): { id: string; json: string } {
    this.lostSinceStart += lost;
    const loss = agentEvent(this.origin, 'spool.loss', `spool full: dropped the ${lost} oldest undelivered events`, {
      lost,
      lost_since_start: this.lostSinceStart,
      spool_max_bytes: this.config.agent.ship.spool_max_bytes,
    });
    logEvent(this.log, loss);
    return { id: loss.event_id, json: JSON.stringify(loss) };
  }

  private openShipping(): Shipper | null {
    const ship = this.config.agent.ship;
    const endpoint = loadEndpoint(ship);
    if (!endpoint) return null;
    this.spool = Spool.open({ dir: this.state.spoolDir, maxBytes: ship.spool_max_bytes, segmentBytes: ship.spool_segment_bytes });
    const { corruptRecords, tornTailBytes } = this.spool.recovery;
    if (corruptRecords > 0 || tornTailBytes > 0) {
      logEvent(this.log, agentEvent(this.origin, 'spool.recovered', `spool recovered: ${corruptRecords} damaged records skipped, ${tornTailBytes} torn bytes cut`, { corrupt_records: corruptRecords, torn_tail_bytes: tornTailBytes }));
    }
    this.shipper = new Shipper({
      endpoint,
      policy: shipPolicy(ship),
      spool: this.spool,
      hostId: this.origin.hostId,
      random: this.random,
      report: {
        onFailure: (outcome, attempt, delayMs, depth) =>
          logEvent(this.log, agentEvent(this.origin, 'ship.failed', `shipping failed (${outcome.reason}); retry in ${delayMs} ms`, { status: outcome.status, attempt, retry_in_ms: delayMs, spool_depth: depth })),
        onRejected: (rejected) =>
          logEvent(this.log, agentEvent(this.origin, 'ship.rejected', `the receiver refused ${rejected.length} events for good`, {
            rejected: rejected.slice(0, 20).map((entry) => ({ id: safeText(entry.id, 128), reason: safeText(entry.reason, 200) })),
          })),
      },
    });
    return this.shipper;
  }

  private async reopenShipping(previous: WardenConfig['agent']['ship']): Promise<void> {
    const ship = this.config.agent.ship;
    const endpoint = loadEndpoint(ship);
    const sameSpool = previous.spool_max_bytes === ship.spool_max_bytes && previous.spool_segment_bytes === ship.spool_segment_bytes;
    if (this.shipper && endpoint && sameSpool) {
      this.shipper.reconfigure(endpoint, shipPolicy(ship));
      return;
    }
    // Shipping turned on or off, or new spool bounds: the spool stays on disk, so nothing owed is lost.
    await this.shipper?.stop(0);
    this.spool?.close();
    this.shipper = null;
    this.spool = null;
    const shipper = this.openShipping();
    if (!this.stopped) shipper?.start();
  }
}
