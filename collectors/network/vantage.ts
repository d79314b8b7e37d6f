import { execFile } from 'node:child_process';
import net from 'node:net';
import { safeErrorMessage } from '../../agent/lib/sanitize.js';
import { probeTargets, type ProbeLimits, type ProbeTarget, type RawProbe } from './http-probe.js';
import { guardRefusal } from './probe-guard.js';
import type { VantageKind } from './types.js';

/** Room for nsenter and a node start on top of the probes' own deadline. */
const CHILD_STARTUP_MS = 3000;
const MAX_CHILD_OUTPUT = 256 * 1024;

/**
 * Second line of the test guard, at the only doors to the network: callers filter targets
 * first (and report them `guarded`); anything that still slips through stops here, loudly.
 */
function refuseGuarded(targets: ProbeTarget[], kind: VantageKind): void {
  for (const target of targets) {
    const refusal = guardRefusal(target.host, kind);
    if (refusal !== null) throw new Error(`refusing to probe ${target.host} under test: ${refusal}`);
  }
}

/** Probes from runner-warden's own network namespace (the host's, on a live scan). */
export async function probeFromHost(targets: ProbeTarget[], limits: ProbeLimits): Promise<RawProbe[]> {
  refuseGuarded(targets, 'host');
  return probeTargets(net, targets, limits);
}

/** The child's program: the very same probe function, as source, fed its input through argv. */
function childSource(): string {
  return [
    "const net = require('node:net');",
    'const input = JSON.parse(process.argv[1]);',
    `(${probeTargets.toString()})(net, input.targets, input.limits).then(`,
    '  (result) => process.stdout.write(JSON.stringify(result)),',
    '  (error) => { process.stderr.write(String(error && error.message)); process.exitCode = 1; });',
  ].join('\n');
}

const CONNECT_OUTCOMES = new Set(['connected', 'refused', 'timeout', 'unreachable', 'error']);
const EXCHANGE_OUTCOMES = new Set(['response', 'timeout', 'closed', 'error', 'malformed']);

/** The child is ours, but its output crossed a process boundary: accept only the expected shape. */
function parseChildOutput(text: string, targets: ProbeTarget[]): RawProbe[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || value.length !== targets.length) throw new Error('probe child returned an unexpected shape');
  return value.map((item: unknown, index) => {
    const target = targets[index] as ProbeTarget;
    const probe = item as Partial<RawProbe>;
    if (typeof probe !== 'object' || probe === null || !CONNECT_OUTCOMES.has(String(probe.connect)) || !Array.isArray(probe.exchanges)) {
      throw new Error('probe child returned an unexpected shape');
    }
    const exchanges = probe.exchanges.slice(0, target.requests.length).map((exchange, position) => {
      const request = target.requests[position] as ProbeTarget['requests'][number];
      const headers = typeof exchange.headers === 'object' && exchange.headers !== null ? exchange.headers : {};
      return {
        role: request.role,
        request: `${request.method} ${request.path}`,
        outcome: EXCHANGE_OUTCOMES.has(String(exchange.outcome)) ? exchange.outcome : 'error',
        status: Number.isInteger(exchange.status) ? exchange.status : null,
        headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
        durationMs: Number(exchange.durationMs) || 0,
      };
    });
    return { cloud: target.cloud, host: target.host, port: target.port, overridden: target.overridden, connect: probe.connect as RawProbe['connect'], exchanges, durationMs: Number(probe.durationMs) || 0 };
  });
}

/**
 * Probes from the network namespace of process `pid` (a job container's init): `nsenter --net`
 * runs a short-lived node child there. Only the network namespace changes, so the child is this
 * same node binary from the host's filesystem. The child is killed at the deadline.
 */
export async function probeFromNamespace(nsenter: string, pid: number, targets: ProbeTarget[], limits: ProbeLimits, signal: AbortSignal): Promise<RawProbe[]> {
  refuseGuarded(targets, 'job-container');
  const input = JSON.stringify({ targets, limits });
  const args = [`--net=/proc/${pid}/ns/net`, '--', process.execPath, '-e', childSource(), input];
  // A bare environment: the child needs nothing of ours, and gets only targets the test guard passed.
  const env: NodeJS.ProcessEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  return new Promise((resolve, reject) => {
    execFile(
      nsenter,
      args,
      { timeout: limits.timeoutMs + CHILD_STARTUP_MS, killSignal: 'SIGKILL', maxBuffer: MAX_CHILD_OUTPUT, signal, env, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          // execFile's own message repeats the whole command line (the child's source): say what happened instead.
          const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
          const what = failure.killed ? 'probe child killed at its deadline' : typeof failure.code === 'number' ? `probe child exited with ${failure.code}` : `probe child failed (${failure.code ?? 'error'})`;
          const detail = stderr.trim().split('\n')[0] ?? '';
          reject(new Error(detail ? `${what}: ${safeErrorMessage(detail, 160)}` : what));
          return;
        }
        try {
          resolve(parseChildOutput(stdout, targets));
        } catch (parseError) {
          reject(new Error(safeErrorMessage(parseError)));
        }
      },
    );
  });
}
