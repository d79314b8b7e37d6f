import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WardenConfig } from '../config/schema.js';
import type { ScanResult } from '../core/result.js';
import { safeText } from '../lib/sanitize.js';
import { readSmallFile } from './durable.js';

const MAX_RESULT_BYTES = 128 * 1024 * 1024;
const STDERR_TAIL_BYTES = 2048;
/** How often the child's memory is read: often enough that a scan of half a second is seen a few times. */
const DEFAULT_POLL_MS = 250;

export interface ScanChildOptions {
  /** The child's entry module (compiled JavaScript). */
  entry: string;
  config: WardenConfig;
  /** Where the child writes its ScanResult (in the state dir). */
  outFile: string;
  timeoutMs: number;
  /** Resident memory ceiling; polled from /proc because V8's limits do not cover Buffers. */
  memoryMaxMb: number;
  heapMaxMb: number;
  /** How often the child's peak RSS is read (DEFAULT_POLL_MS). */
  pollMs?: number;
  /** Aborting kills the child (the agent is stopping). */
  signal?: AbortSignal;
}

interface Measures {
  durationMs: number;
  peakRssMb: number;
}

export type ScanChildOutcome =
  | ({ kind: 'ok'; result: ScanResult } & Measures)
  | ({ kind: 'killed'; reason: 'deadline' | 'memory' | 'stopped' } & Measures)
  | ({ kind: 'crashed'; exitCode: number | null; signal: string | null; detail: string } & Measures);

/** The compiled scan child beside this module, or under dist/ when running from the TypeScript sources. */
export function scanChildEntry(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, 'scan-child.js');
  return fs.existsSync(sibling) ? sibling : path.resolve(here, '../../dist/agent/daemon/scan-child.js');
}

/** The peak resident size (VmHWM) of a process in MiB, or null when it is gone. */
export function readPeakRssMb(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    // VmHWM, the high-water mark, not VmRSS: a spike between two polls still counts.
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The result file and temp files of children killed while writing it. */
function removeLeftovers(outFile: string): void {
  const dir = path.dirname(outFile);
  const temp = new RegExp(`^\\.${path.basename(outFile).replace(/[.]/g, '\\.')}\\.\\d+\\.tmp$`);
  fs.rmSync(outFile, { force: true });
  try {
    for (const name of fs.readdirSync(dir)) if (temp.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  } catch {
    // The directory may not exist yet; the child's write creates nothing else.
  }
}

function isScanResult(value: unknown): value is ScanResult {
  const candidate = value as Partial<ScanResult> | null;
  return !!candidate && candidate.schemaVersion === 1 && Array.isArray(candidate.findings) && Array.isArray(candidate.checks) && Array.isArray(candidate.collectors) && typeof candidate.host?.hostname === 'string';
}

/**
 * Runs one scan in a child process, like osquery's watchdog runs its worker: the child is killed
 * when it passes the deadline or the memory ceiling, and the outcome says which.
 */
export function runScanChild(options: ScanChildOptions): Promise<ScanChildOutcome> {
  const started = Date.now();
  removeLeftovers(options.outFile);
  const child = spawn(process.execPath, [`--max-old-space-size=${options.heapMaxMb}`, options.entry, '--out', options.outFile], {
    // A clean environment: nothing like NODE_OPTIONS reaches the child.
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    stdio: ['pipe', 'inherit', 'pipe'],
  });
  let peakRssMb = 0;
  let killedFor: 'deadline' | 'memory' | 'stopped' | null = null;
  let stderrTail = Buffer.alloc(0);

  const kill = (reason: 'deadline' | 'memory' | 'stopped'): void => {
    if (killedFor !== null) return;
    killedFor = reason;
    child.kill('SIGKILL');
  };
  const poll = (): void => {
    if (child.pid === undefined) return;
    const rss = readPeakRssMb(child.pid);
    if (rss === null) return;
    peakRssMb = Math.max(peakRssMb, rss);
    if (rss > options.memoryMaxMb) kill('memory');
  };
  const poller = setInterval(poll, options.pollMs ?? DEFAULT_POLL_MS);
  const deadline = setTimeout(() => kill('deadline'), options.timeoutMs);
  const onAbort = (): void => kill('stopped');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) kill('stopped');

  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = Buffer.concat([stderrTail, chunk]);
    if (stderrTail.length > STDERR_TAIL_BYTES) stderrTail = stderrTail.subarray(stderrTail.length - STDERR_TAIL_BYTES);
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(options.config));

  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(poller);
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      const measures: Measures = { durationMs: Date.now() - started, peakRssMb: Math.round(peakRssMb) };
      if (killedFor !== null) return resolve({ kind: 'killed', reason: killedFor, ...measures });
      const stderrText = stderrTail.toString('utf8');
      // V8 aborts by itself at --max-old-space-size: that is the memory ceiling too.
      if (/heap out of memory|Reached heap limit/i.test(stderrText)) return resolve({ kind: 'killed', reason: 'memory', ...measures });
      if (code === 0) {
        try {
          const raw = readSmallFile(options.outFile, MAX_RESULT_BYTES);
          const parsed: unknown = raw ? JSON.parse(raw.toString('utf8')) : null;
          fs.rmSync(options.outFile, { force: true });
          if (isScanResult(parsed)) return resolve({ kind: 'ok', result: parsed, ...measures });
        } catch {
          // Falls through to a crash report.
        }
      }
      const lastLine = stderrText.trim().split('\n').at(-1) ?? '';
      resolve({ kind: 'crashed', exitCode: code, signal, detail: safeText(lastLine || 'no result written', 300), ...measures });
    });
  });
}
