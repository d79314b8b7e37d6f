import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';

/** A Docker API stand-in: plain HTTP, or TLS with or without client-certificate verification. */
export type DockerStandInMode = 'plaintext' | 'tls-no-verify' | 'tls-verify' | 'not-docker';

export interface DockerStandIn {
  port: number;
  close(): Promise<void>;
}

function ping(request: http.IncomingMessage, response: http.ServerResponse, docker: boolean): void {
  if (request.url === '/_ping' && docker) response.writeHead(200, { 'Api-Version': '1.45', 'Content-Type': 'text/plain', Server: 'Docker/26.1.5 (linux)' }).end('OK');
  else response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
}

/** A self-signed certificate for 127.0.0.1, made with openssl (null when openssl is missing). */
export function selfSignedCertificate(): { key: string; cert: string } | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-subj', '/CN=127.0.0.1', '-days', '1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(`${dir}/key.pem`, 'utf8'), cert: fs.readFileSync(`${dir}/cert.pem`, 'utf8') };
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Listens on 127.0.0.1. Like dockerd with TLS, the TLS modes answer a plain HTTP request with
 * 400 "Client sent an HTTP request to an HTTPS server."
 */
export async function startDockerStandIn(mode: DockerStandInMode, certificate: { key: string; cert: string } | null = null): Promise<DockerStandIn> {
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  if (mode === 'plaintext' || mode === 'not-docker') {
    server = http.createServer((request, response) => ping(request, response, mode === 'plaintext'));
  } else {
    if (!certificate) throw new Error('TLS stand-in needs a certificate');
    const secure = https.createServer({ ...certificate, requestCert: mode === 'tls-verify', rejectUnauthorized: mode === 'tls-verify' }, (request, response) => ping(request, response, true));
    secure.on('tlsClientError', () => undefined);
    server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', (first: Buffer) => {
        if (first[0] !== 0x16) {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
          return;
        }
        // TLS reads a net.Socket's handle directly, past any unshifted bytes: hand it a stream instead.
        const stream = new Duplex({
          read: () => socket.resume(),
          write: (chunk: Buffer, _encoding, done) => socket.write(chunk, done),
          final: (done) => socket.end(done),
          destroy: (error, done) => {
            socket.destroy();
            done(error);
          },
        });
        socket.on('data', (chunk: Buffer) => {
          if (!stream.push(chunk)) socket.pause();
        });
        socket.on('end', () => stream.push(null));
        socket.on('close', () => stream.destroy());
        stream.push(first);
        secure.emit('connection', stream);
      });
    });
  }
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
