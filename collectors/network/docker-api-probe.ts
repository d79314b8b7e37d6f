import net from 'node:net';
import tls from 'node:tls';
import { guardRefusal } from './probe-guard.js';
import type { DockerApiAccess } from './types.js';

const PING = 'GET /_ping HTTP/1.1\r\nHost: localhost\r\nUser-Agent: runner-warden\r\nConnection: close\r\n\r\n';
const MAX_HEAD_BYTES = 8192;

interface Head {
  status: number;
  /** Docker answers /_ping with an Api-Version header (and "Server: Docker/…" on older engines). */
  docker: boolean;
}

type Outcome = { kind: 'head'; head: Head } | { kind: 'no-answer' } | { kind: 'failed-after-connect' } | { kind: 'malformed' };

/** Sends /_ping over `socket` once `ready` fires; resolves with the response head, bounded in size and time. */
function ping(socket: net.Socket, ready: 'connect' | 'secureConnect', deadlineMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    let head = '';
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle(connected ? { kind: 'failed-after-connect' } : { kind: 'no-answer' }), deadlineMs);
    socket.once(ready, () => {
      connected = true;
      socket.write(PING);
    });
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1', 0, Math.min(chunk.length, MAX_HEAD_BYTES));
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) settle({ kind: 'malformed' });
        return;
      }
      const lines = head.slice(0, end).split('\r\n');
      const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(lines[0] ?? '');
      if (!status) return settle({ kind: 'malformed' });
      const docker = lines.some((line) => /^api-version:/i.test(line) || /^server:\s*docker\//i.test(line));
      settle({ kind: 'head', head: { status: Number(status[1]), docker } });
    });
    socket.once('error', () => settle(connected ? { kind: 'failed-after-connect' } : { kind: 'no-answer' }));
    socket.once('close', () => settle(connected ? { kind: 'failed-after-connect' } : { kind: 'no-answer' }));
  });
}

/**
 * Asks a Docker API listener for /_ping over loopback: first in plain HTTP, and when the
 * daemon wants TLS (HTTP 400 to plain requests), over TLS without a client certificate.
 * `host` must be a loopback address: this is never sent anywhere else.
 */
export async function probeDockerApi(host: string, port: number, timeoutMs: number): Promise<DockerApiAccess> {
  if (guardRefusal(host, 'host') !== null) return 'not-probed';
  const plain = await ping(net.connect({ host, port }), 'connect', timeoutMs);
  if (plain.kind === 'no-answer') return 'no-answer';
  if (plain.kind === 'head' && plain.head.status === 200 && plain.head.docker) return 'open-plaintext';
  if (plain.kind !== 'head' || plain.head.status !== 400) return 'not-docker';
  // The daemon's certificate is not what is judged here (and is usually self-signed): only whether it lets us in without one of ours.
  const secure = await ping(tls.connect({ host, port, rejectUnauthorized: false }), 'secureConnect', timeoutMs);
  if (secure.kind === 'head' && secure.head.status === 200 && secure.head.docker) return 'open-tls-without-client-cert';
  // The plain request was answered, so the daemon is up: a handshake or request it cuts short is a refusal.
  if (secure.kind === 'malformed') return 'not-docker';
  return 'client-cert-required';
}
