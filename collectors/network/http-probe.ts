import type netModule from 'node:net';
import type { CloudProvider, ConnectOutcome, HttpExchange } from './types.js';

/** One HTTP request of a probe. */
export interface ProbeRequest {
  /** What the answer means: an IMDSv1 GET, the IMDSv2 token PUT, or a plain metadata GET. */
  role: 'imds-v1' | 'imds-v2-token' | 'metadata';
  method: 'GET' | 'PUT';
  path: string;
  headers: [string, string][];
}

export interface ProbeTarget {
  cloud: CloudProvider;
  /** IP literal (or localhost) to connect to. */
  host: string;
  port: number;
  hostHeader: string;
  overridden: boolean;
  requests: ProbeRequest[];
}

export interface ProbeLimits {
  /** Overall deadline of one target's probe, connect and every request included. */
  timeoutMs: number;
  /** Response head larger than this is cut and reported `malformed`. */
  maxHeadBytes: number;
  /** Lower-case response header names worth keeping (none of them carries a credential). */
  keepHeaders: string[];
}

export interface RawExchange extends HttpExchange {
  role: ProbeRequest['role'];
}

/** What one target's probe saw, before sanitising and interpretation. */
export interface RawProbe {
  cloud: CloudProvider;
  host: string;
  port: number;
  overridden: boolean;
  connect: ConnectOutcome;
  exchanges: RawExchange[];
  durationMs: number;
}

/**
 * Probes metadata targets: a TCP connect, then each request on its own connection with
 * `Connection: close`, all under one overall deadline per target, so a server that trickles
 * or hangs costs at most `timeoutMs`. Only the status line and allow-listed headers are kept;
 * the connection is dropped as soon as the head has arrived and any body bytes already
 * received are zeroed, so a token or credential is never read, let alone kept.
 *
 * SELF-CONTAINED ON PURPOSE: it runs in-process for the host, and is sent as source text to
 * a `node -e` child inside a job container's network namespace (see `vantage.ts`). It must not
 * use anything but its parameters and JavaScript globals.
 */
export async function probeTargets(net: typeof netModule, targets: ProbeTarget[], limits: ProbeLimits): Promise<RawProbe[]> {
  return Promise.all(
    targets.map(async (target) => {
      const started = Date.now();
      const deadline = started + limits.timeoutMs;
      const exchanges: RawExchange[] = [];
      let connect: ConnectOutcome = 'connected';
      for (const request of target.requests) {
        const requestText =
          `${request.method} ${request.path} HTTP/1.1\r\nHost: ${target.hostHeader}\r\nUser-Agent: runner-warden\r\nAccept: */*\r\nConnection: close\r\n` +
          request.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
          (request.method === 'PUT' ? 'Content-Length: 0\r\n' : '') +
          '\r\n';
        const sentAt = Date.now();
        const result = await new Promise<{ connected: boolean; outcome: HttpExchange['outcome']; code?: string; status?: number; headers?: Record<string, string> }>((resolve) => {
          let connected = false;
          let settled = false;
          let head = Buffer.alloc(0);
          const socket = net.connect({ host: target.host, port: target.port });
          const timer = setTimeout(() => settle({ connected, outcome: 'timeout' }), Math.max(0, deadline - Date.now()));
          function settle(value: { connected: boolean; outcome: HttpExchange['outcome']; code?: string; status?: number; headers?: Record<string, string> }): void {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            head.fill(0);
            socket.destroy();
            resolve(value);
          }
          socket.once('connect', () => {
            connected = true;
            socket.write(requestText);
          });
          socket.on('data', (chunk: Buffer) => {
            const room = limits.maxHeadBytes + 4 - head.length;
            const joined = Buffer.concat([head, chunk.subarray(0, Math.max(0, room))]);
            chunk.fill(0);
            head.fill(0);
            head = joined;
            const end = head.indexOf('\r\n\r\n');
            if (end < 0) {
              if (head.length > limits.maxHeadBytes) settle({ connected, outcome: 'malformed' });
              return;
            }
            const lines = head.subarray(0, end).toString('latin1').split('\r\n');
            const statusMatch = /^HTTP\/\d(?:\.\d)? (\d{3})(?: |$)/.exec(lines[0] ?? '');
            if (!statusMatch) {
              settle({ connected, outcome: 'malformed' });
              return;
            }
            const headers: Record<string, string> = {};
            for (const line of lines.slice(1)) {
              const colon = line.indexOf(':');
              const name = line.slice(0, colon).trim().toLowerCase();
              if (colon > 0 && limits.keepHeaders.includes(name)) headers[name] = line.slice(colon + 1).trim().slice(0, 200);
            }
            settle({ connected, outcome: 'response', status: Number(statusMatch[1]), headers });
          });
          socket.once('error', (error: NodeJS.ErrnoException) => settle({ connected, outcome: 'error', code: error.code ?? 'error' }));
          socket.once('close', () => settle({ connected, outcome: 'closed' }));
        });
        if (!result.connected && exchanges.length === 0) {
          const code = result.code ?? '';
          if (result.outcome === 'timeout' || code === 'ETIMEDOUT') connect = 'timeout';
          else if (code === 'ECONNREFUSED') connect = 'refused';
          else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') connect = 'unreachable';
          else connect = 'error';
          break;
        }
        exchanges.push({
          role: request.role,
          request: `${request.method} ${request.path}`,
          outcome: result.outcome,
          status: result.status ?? null,
          headers: result.headers ?? {},
          durationMs: Date.now() - sentAt,
        });
      }
      return { cloud: target.cloud, host: target.host, port: target.port, overridden: target.overridden, connect, exchanges, durationMs: Date.now() - started };
    }),
  );
}
