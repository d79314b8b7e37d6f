import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';

/** TLS and auth material for the receiver, read from files at start and on reload. */
export interface Endpoint {
  url: URL;
  /** Bearer token; goes in the Authorization header and nowhere else. */
  token: string | null;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface PostOptions {
  body: Buffer;
  gzip: boolean;
  idempotencyKey: string;
  /** Overall deadline, connect to last byte: per-read timeouts do not stop a trickling server. */
  timeoutMs: number;
  responseMaxBytes: number;
  /** Aborts the request early (agent stopping). */
  signal?: AbortSignal;
  userAgent: string;
}

const ackSchema = z.object({
  accepted: z.array(z.string().max(256)).max(100_000),
  rejected: z.array(z.object({ id: z.string().max(256), reason: z.string().max(10_000).optional() })).max(100_000).optional(),
});

export type PostOutcome =
  | { kind: 'ack'; status: number; accepted: string[]; rejected: Array<{ id: string; reason: string }> }
  | { kind: 'retry'; status: number | null; reason: string; retryAfterMs?: number; tooLarge?: boolean };

/** Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * One POST of one batch. Never follows a redirect (Node's fetch re-sends the body to the new
 * origin), reads at most `responseMaxBytes` of the answer, and stops at the overall deadline.
 * Only a 2xx whose JSON body lists accepted ids is an acknowledgement; a bare 2xx is a retry.
 */
export function postBatch(endpoint: Endpoint, options: PostOptions): Promise<PostOutcome> {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'idempotency-key': options.idempotencyKey,
    'user-agent': options.userAgent,
    'content-length': options.body.length,
  };
  if (options.gzip) headers['content-encoding'] = 'gzip';
  if (endpoint.token !== null) headers.authorization = `Bearer ${endpoint.token}`;
  // A plain timer and controller, held until the request settles. (AbortSignal.any over
  // AbortSignal.timeout was seen never to fire in the long-running agent: a hung request stayed
  // open far past its deadline, most likely because the timeout signal had been collected.)
  const controller = new AbortController();
  let timedOut = false;
  let onDeadline = (): void => undefined;
  const deadline = setTimeout(() => {
    timedOut = true;
    controller.abort();
    onDeadline();
  }, options.timeoutMs);
  const onStop = (): void => controller.abort();
  options.signal?.addEventListener('abort', onStop, { once: true });
  if (options.signal?.aborted) controller.abort();
  const signal = controller.signal;
  const secure = endpoint.url.protocol === 'https:';
  const requestOptions: https.RequestOptions = { method: 'POST', headers, signal, agent: false };
  if (secure) {
    requestOptions.minVersion = 'TLSv1.2';
    if (endpoint.ca) requestOptions.ca = endpoint.ca;
    if (endpoint.cert) requestOptions.cert = endpoint.cert;
    if (endpoint.key) requestOptions.key = endpoint.key;
  }

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onStop);
      resolve(outcome);
    };
    // Settle at the deadline even if the aborted socket emits nothing more.
    onDeadline = () => finish({ kind: 'retry', status: null, reason: `no answer within ${options.timeoutMs} ms` });
    const request = (secure ? https : http).request(endpoint.url, requestOptions, (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.responseMaxBytes) {
          response.destroy();
          finish({ kind: 'retry', status, reason: `answer larger than ${options.responseMaxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', () => finish({ kind: 'retry', status, reason: timedOut ? 'deadline passed while reading the answer' : 'answer cut off' }));
      response.on('end', () => {
        const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        if (status === 413) return finish({ kind: 'retry', status, reason: 'batch too large (413)', tooLarge: true });
        if (status < 200 || status > 299) {
          const reason = status >= 300 && status < 400 ? `redirect ${status} not followed` : `status ${status}`;
          return finish({ kind: 'retry', status, reason, ...(retryAfterMs !== undefined && (status === 429 || status === 503) ? { retryAfterMs } : {}) });
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return finish({ kind: 'retry', status, reason: 'answer is not JSON (not an acknowledgement)' });
        }
        const ack = ackSchema.safeParse(parsed);
        if (!ack.success) return finish({ kind: 'retry', status, reason: 'answer does not list accepted ids (not an acknowledgement)' });
        finish({
          kind: 'ack',
          status,
          accepted: ack.data.accepted,
          rejected: (ack.data.rejected ?? []).map((entry) => ({ id: entry.id, reason: entry.reason ?? '' })),
        });
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = timedOut ? `no answer within ${options.timeoutMs} ms` : signal.aborted ? 'aborted: agent stopping' : `request failed (${error.code ?? 'error'})`;
      finish({ kind: 'retry', status: null, reason });
    });
    request.end(options.body);
  });
}
