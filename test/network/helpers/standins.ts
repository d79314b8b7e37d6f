import http from 'node:http';
import net from 'node:net';

/**
 * Stand-in metadata services for tests. They listen on 127.0.0.0/8 or inside network
 * namespaces a test creates: never a real metadata address.
 */
export type StandInKind =
  /** IMDSv1 and v2: GET works without a token, PUT hands out a token. */
  | 'imdsv1'
  /** IMDSv2 only: GET without a token is 401, PUT hands out a token. */
  | 'imdsv2'
  /** IMDSv2 behind a hop limit too low for the caller: GET is 401, the PUT answer never arrives. */
  | 'imdsv2-hop-limited'
  /** GCP: 200 only with `Metadata-Flavor: Google`, else 403. */
  | 'gcp'
  /** Accepts, then sends the response head one byte at a time, forever. */
  | 'trickle'
  /** Accepts and never says a word. */
  | 'hang';

/** What the stand-ins hand out: a test proves none of it ends up in facts. */
export const FAKE_TOKEN = 'AQAEAFakeSessionToken0123456789abcdefSECRET';
export const FAKE_CREDENTIAL = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEYSECRET';

export interface StandIn {
  host: string;
  port: number;
  url: string;
  /** Requests seen: "METHOD path token=yes|no flavor=...". */
  seen: string[];
  close(): Promise<void>;
}

/**
 * Serves one stand-in kind. Self-contained (only its parameters and globals) so the same
 * source also runs as `node -e` inside a test's network namespace.
 */
export function serveStandIn(
  httpModule: typeof http,
  netModule: typeof net,
  kind: StandInKind,
  host: string,
  port: number,
  seen: string[],
  secrets: { token: string; credential: string },
): Promise<{ server: net.Server; port: number }> {
  const held: net.Socket[] = [];
  let server: net.Server;
  if (kind === 'trickle' || kind === 'hang') {
    server = netModule.createServer((socket) => {
      held.push(socket);
      socket.on('error', () => undefined);
      if (kind === 'hang') return;
      const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: ' + 'x'.repeat(10_000);
      let position = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || position >= head.length) return clearInterval(timer);
        socket.write(head[position++] as string);
      }, 50);
      socket.on('close', () => clearInterval(timer));
    });
  } else {
    server = httpModule.createServer((request, response) => {
      const token = request.headers['x-aws-ec2-metadata-token'] !== undefined;
      seen.push(`${request.method} ${request.url} token=${token ? 'yes' : 'no'} flavor=${String(request.headers['metadata-flavor'] ?? '')}`);
      if (kind === 'gcp') {
        if (request.headers['metadata-flavor'] !== 'Google') {
          response.writeHead(403, { 'Content-Type': 'text/html' }).end('Missing Metadata-Flavor:Google header.');
          return;
        }
        response.writeHead(200, { 'Metadata-Flavor': 'Google', 'Content-Type': 'application/text', Server: 'Metadata Server for VM' }).end(`instance/\nproject/\n${'{"private_key":"'}${secrets.credential}"}`);
        return;
      }
      if (request.method === 'PUT' && request.url === '/latest/api/token') {
        if (kind === 'imdsv2-hop-limited') {
          held.push(request.socket);
          return;
        }
        response.writeHead(200, { 'X-Aws-Ec2-Metadata-Token-Ttl-Seconds': '60', 'Content-Type': 'text/plain', Server: 'EC2ws' }).end(secrets.token);
        return;
      }
      if (request.method === 'GET' && (kind === 'imdsv1' || token)) {
        response.writeHead(200, { 'Content-Type': 'text/plain', Server: 'EC2ws' }).end(`ami-id\niam/\n{"SecretAccessKey":"${secrets.credential}","Token":"${secrets.token}"}`);
        return;
      }
      response.writeHead(401, { 'Content-Type': 'text/plain', Server: 'EC2ws' }).end('Unauthorized');
    });
  }
  const stop = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const socket of held) socket.destroy();
    return stop(callback);
  }) as typeof server.close;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

/** Starts a stand-in in this process on a loopback address. */
export async function startStandIn(kind: StandInKind, host = '127.0.0.1', port = 0): Promise<StandIn> {
  const seen: string[] = [];
  const { server, port: bound } = await serveStandIn(http, net, kind, host, port, seen, { token: FAKE_TOKEN, credential: FAKE_CREDENTIAL });
  if (kind === 'hang' || kind === 'trickle') server.on('connection', () => seen.push('connection'));
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port: bound,
    url: `http://${urlHost}:${bound}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Source of a `node -e` program serving a stand-in: argv = kind host port; prints "ready" once listening. */
export function standInProgram(): string {
  return [
    "const http = require('node:http'); const net = require('node:net');",
    'const [kind, host, port] = process.argv.slice(1);',
    `(${serveStandIn.toString()})(http, net, kind, host, Number(port), [], ${JSON.stringify({ token: FAKE_TOKEN, credential: FAKE_CREDENTIAL })}).then(() => process.stdout.write('ready\\n'), (e) => { console.error(e.message); process.exit(1); });`,
  ].join('\n');
}
