import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../agent/config/load.js';
import { configSchema } from '../../agent/config/schema.js';
import { loadEndpoint, shipPolicy } from '../../agent/daemon/endpoint.js';
import { Shipper } from '../../agent/daemon/shipper.js';
import { Spool } from '../../agent/daemon/spool.js';

let dir: string;
let server: https.Server;
let url: string;
const clientNames: string[] = [];
const file = (name: string): string => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-tls-'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=rw-test-ca');
  fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const name of ['server', 'client']) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=rw-${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', ...(name === 'server' ? ['-extfile', 'server.ext'] : []));
  }
  fs.writeFileSync(file('token'), 'tls-token-1\n', { mode: 0o600 });
  server = https.createServer({ key: fs.readFileSync(file('server.key')), cert: fs.readFileSync(file('server.pem')), ca: fs.readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: true }, (request, response) => {
    clientNames.push(String((request.socket as TLSSocket).getPeerCertificate().subject?.CN));
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const ids = (JSON.parse(body) as { events: Array<{ event_id: string }> }).events.map((event) => event.event_id);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: ids }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

function shipConfig(ship: Record<string, unknown>) {
  return configSchema.parse({ agent: { ship: { url, request_timeout_seconds: 5, ...ship } } }).agent.ship;
}

async function tryShip(ship: ReturnType<typeof shipConfig>): Promise<{ ok: boolean; reason: string }> {
  const spoolDir = fs.mkdtempSync(path.join(dir, 'spool-'));
  const spool = Spool.open({ dir: spoolDir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
  spool.append([{ id: 'e1', json: '{"event_id":"e1"}' }], () => ({ id: '', json: '' }));
  let reason = '';
  const endpoint = loadEndpoint(ship);
  if (!endpoint) throw new Error('no endpoint');
  const shipper = new Shipper({ endpoint, policy: shipPolicy(ship), spool, hostId: 'h', report: { onFailure: (outcome) => (reason = outcome.reason), onRejected: () => undefined } });
  const ok = await shipper.sendOnce();
  spool.close();
  return { ok, reason };
}

describe('shipping over TLS', () => {
  it('trusts the configured CA and presents the client certificate', async () => {
    const result = await tryShip(shipConfig({ ca_file: file('ca.pem'), cert_file: file('client.pem'), key_file: file('client.key'), token_file: file('token') }));
    expect(result).toEqual({ ok: true, reason: '' });
    expect(clientNames.at(-1)).toBe('rw-client');
  });

  it('fails (and keeps the events) without the CA that signed the receiver', async () => {
    const result = await tryShip(shipConfig({ cert_file: file('client.pem'), key_file: file('client.key') }));
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/request failed/);
  });

  it('fails when the receiver wants a client certificate and none is configured', async () => {
    const result = await tryShip(shipConfig({ ca_file: file('ca.pem') }));
    expect(result.ok).toBe(false);
  });
});

describe('endpoint config', () => {
  it('needs cert_file and key_file together', () => {
    expect(() => configSchema.parse({ agent: { ship: { url, cert_file: file('client.pem') } } })).toThrow(/cert_file and key_file go together/);
  });

  it('has no place for an inline token', () => {
    expect(configSchema.safeParse({ agent: { ship: { url, token: 'glrt-abc' } } }).success).toBe(false);
  });

  it('refuses credentials in the URL', () => {
    expect(configSchema.safeParse({ agent: { ship: { url: 'https://user:pw@example.com/x' } } }).success).toBe(false);
  });

  it('names a missing or bad token file without echoing its content', () => {
    expect(() => loadEndpoint(shipConfig({ token_file: file('absent') }))).toThrow(ConfigError);
    expect(() => loadEndpoint(shipConfig({ token_file: file('absent') }))).toThrow(/absent: the bearer token file does not exist/);
    fs.writeFileSync(file('two-lines'), 'SECRETPART1\nSECRETPART2\n');
    let message = '';
    try {
      loadEndpoint(shipConfig({ token_file: file('two-lines') }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/one line of printable ASCII/);
    expect(message).not.toContain('SECRETPART');
  });

  it('needs https for ca_file and client certificates', () => {
    expect(() => loadEndpoint(configSchema.parse({ agent: { ship: { url: 'http://127.0.0.1:1/x', ca_file: file('ca.pem') } } }).agent.ship)).toThrow(/need an https URL/);
  });
});
