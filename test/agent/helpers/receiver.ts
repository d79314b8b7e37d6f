import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export type ReceiverMode = 'ack' | 'error500' | 'retry429' | 'garbage' | 'hang' | 'ackHalf' | 'redirect';

export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  /** The body as sent (before gunzip). */
  raw: Buffer;
  /** The decoded JSON text. */
  text: string;
  at: number;
}

export interface ReceivedEvent {
  event_id: string;
  event: string;
  [field: string]: unknown;
}

/**
 * A receiver implementing docs/protocol.md on 127.0.0.1, with switches for hostile behaviour.
 * It dedupes by event_id as a real receiver must, and counts what arrived twice.
 */
export class Receiver {
  mode: ReceiverMode = 'ack';
  retryAfter = '1';
  redirectTo = '';
  /** In ack mode: wait this long after storing before answering (an agent killed meanwhile re-sends). */
  delayMs = 0;
  readonly requests: ReceivedRequest[] = [];
  /** First copy of every event, by id. */
  readonly events = new Map<string, ReceivedEvent>();
  duplicates = 0;
  private server: http.Server | null = null;
  private readonly hung = new Set<http.ServerResponse>();
  port = 0;

  async listen(port = 0): Promise<this> {
    this.server = http.createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/ingest`;
  }

  async close(): Promise<void> {
    for (const response of this.hung) response.destroy();
    this.hung.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = request.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      this.requests.push({ headers: request.headers, raw, text, at: Date.now() });
      const batch = JSON.parse(text) as { events: ReceivedEvent[] };
      const ids = batch.events.map((event) => event.event_id);
      switch (this.mode) {
        case 'hang':
          this.hung.add(response);
          return;
        case 'error500':
          response.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
          return;
        case 'retry429':
          response.writeHead(429, { 'retry-after': this.retryAfter }).end();
          return;
        case 'garbage':
          response.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>');
          return;
        case 'redirect':
          response.writeHead(307, { location: this.redirectTo }).end();
          return;
        case 'ackHalf': {
          const half = batch.events.slice(0, Math.ceil(batch.events.length / 2));
          this.store(half);
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: half.map((event) => event.event_id) }));
          return;
        }
        case 'ack':
          this.store(batch.events);
          setTimeout(() => {
            if (!response.destroyed) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids }));
          }, this.delayMs);
      }
    });
  }

  private store(events: ReceivedEvent[]): void {
    for (const event of events) {
      if (this.events.has(event.event_id)) this.duplicates += 1;
      else this.events.set(event.event_id, event);
    }
  }
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
