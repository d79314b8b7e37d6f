import type { IncomingMessage } from 'node:http';
import type DockerModem from 'docker-modem';
import { safeErrorMessage, safeText } from '../../agent/lib/sanitize.js';
import type { EngineEndpoint } from './endpoint.js';

/** Largest Engine API response read; a bigger one is refused rather than buffered. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export type EngineErrorKind = 'no-socket' | 'denied' | 'refused' | 'timeout' | 'not-found' | 'api' | 'too-large' | 'malformed' | 'io';

/** A failed Engine API call, classified so facts can say what went wrong. */
export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

// Every status is "accepted" by docker-modem so that we read (and bound) error bodies ourselves.
const ALL_STATUSES: Record<number, boolean> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i + 100, true]));

/** Maps a connection or stream failure to what facts report (exported for tests of the errno cases). */
export function classifyTransportError(error: unknown, signal: AbortSignal, timedOut: () => boolean): EngineError {
  if (timedOut() || (signal.aborted && !(error instanceof EngineError))) return new EngineError('timeout', 'no answer from the engine in time');
  if (error instanceof EngineError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new EngineError('no-socket', 'socket not found');
  if (code === 'EACCES' || code === 'EPERM') return new EngineError('denied', 'permission denied on the socket');
  if (code === 'ECONNREFUSED' || code === 'ENOTSOCK') return new EngineError('refused', `connection refused (${code})`);
  return new EngineError('io', safeErrorMessage(error));
}

/** Reads a response body, refusing more than `maxBytes`. */
function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // The first outcome wins: destroying the response below fires 'aborted'/'error' too.
    const finish = (error: EngineError | null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        reject(error);
        response.destroy();
      } else resolve(Buffer.concat(chunks));
    };
    const onAbort = () => finish(new EngineError('timeout', 'the engine stopped answering mid-response'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new EngineError('too-large', `response larger than ${maxBytes} bytes`));
      else chunks.push(chunk);
    });
    response.on('end', () => finish(null));
    response.on('error', (error) => finish(new EngineError('io', safeErrorMessage(error))));
    response.on('aborted', () => finish(new EngineError('io', 'response aborted')));
  });
}

function errorMessageOf(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    if (typeof parsed.message === 'string') return safeText(parsed.message, 200);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return safeText(body.toString('utf8'), 200);
}

/**
 * A minimal, bounded Engine API client over docker-modem, dockerode's own transport: every call
 * has its own timeout, follows the collector's abort signal, and reads at most MAX_RESPONSE_BYTES.
 * Only GETs are made, so dockerode's API layer (and the gRPC and protobuf code it loads for
 * BuildKit, 0.15 s of every scan) is not needed.
 */
export class EngineClient {
  private constructor(
    private readonly modem: DockerModem,
    private readonly requestTimeoutMs: number,
    private readonly signal: AbortSignal,
    private readonly maxBytes: number,
  ) {}

  /** docker-modem is loaded only when an engine is to be asked: commands and scans without Docker need not pay for it. */
  static async connect(endpoint: EngineEndpoint, requestTimeoutMs: number, signal: AbortSignal, maxBytes = MAX_RESPONSE_BYTES): Promise<EngineClient> {
    const { default: Modem } = await import('docker-modem');
    return new EngineClient(new Modem(endpoint.options), requestTimeoutMs, signal, maxBytes);
  }

  /** GET `path` with `query`; resolves to parsed JSON or rejects with an EngineError. */
  async get(path: string, query: Record<string, string> = {}): Promise<unknown> {
    // A plain timer and controller held for the request's life: AbortSignal.any over
    // AbortSignal.timeout was seen never to fire once garbage collection ran (Node 20).
    const controller = new AbortController();
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      controller.abort(new EngineError('timeout', `no answer within ${this.requestTimeoutMs} ms`));
    }, this.requestTimeoutMs);
    const onOuterAbort = () => controller.abort(this.signal.reason);
    if (this.signal.aborted) onOuterAbort();
    else this.signal.addEventListener('abort', onOuterAbort, { once: true });
    const signal = controller.signal;
    const timedOut = () => expired;
    let response: IncomingMessage;
    let body: Buffer;
    try {
      try {
        response = await new Promise<IncomingMessage>((resolve, reject) => {
          if (signal.aborted) return reject(new EngineError('timeout', 'deadline passed before the request'));
          this.modem.dial(
            { path: Object.keys(query).length > 0 ? `${path}?` : path, method: 'GET', options: { ...query }, isStream: true, statusCodes: ALL_STATUSES, abortSignal: signal },
            (error, result) => (error ? reject(error) : resolve(result as IncomingMessage)),
          );
        });
      } catch (error) {
        throw classifyTransportError(error, signal, timedOut);
      }
      try {
        body = await readBody(response, this.maxBytes, signal);
      } catch (error) {
        throw classifyTransportError(error, signal, timedOut);
      }
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onOuterAbort);
    }
    const status = response.statusCode ?? 0;
    if (status === 404) throw new EngineError('not-found', errorMessageOf(body), status);
    if (status === 401 || status === 403) throw new EngineError('denied', errorMessageOf(body), status);
    if (status < 200 || status >= 300) throw new EngineError('api', `HTTP ${status}: ${errorMessageOf(body)}`, status);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new EngineError('malformed', `invalid JSON from ${safeText(path, 100)}`, status);
    }
  }
}
