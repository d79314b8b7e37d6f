import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectFacts } from '../../agent/core/collect.js';
import { judge } from '../../agent/core/judge.js';
import { dockerChecks } from '../../checks/docker/index.js';
import { dockerCollector } from '../../collectors/docker/index.js';
import { EngineClient } from '../../collectors/docker/engine-client.js';
import { resolveEndpoint } from '../../collectors/docker/endpoint.js';
import { stripControl } from '../../agent/lib/sanitize.js';
import { FakeEngine, HEALTHY_ENGINE, collectorContext, json, neverAnswer, type FakeRoute } from '../helpers/docker.js';
import { silentLog } from '../helpers/fakes.js';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);
const inspect = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  Id: id,
  Name: `/${name}`,
  Created: '2026-11-29T06:00:00Z',
  State: { Status: 'running', Running: true, Pid: 100 },
  Image: 'sha256:' + 'c'.repeat(64),
  HostConfig: { Privileged: true },
  Config: { Image: 'alpine', Env: ['CI_JOB_TOKEN=canary-never-collected'], Labels: {} },
  Mounts: [],
  ...extra,
});
const baseRoutes = (extra: Record<string, FakeRoute>): Record<string, FakeRoute> => ({
  ...HEALTHY_ENGINE,
  '/containers/json': json([{ Id: ID_A, Names: ['/alpha'] }, { Id: ID_B, Names: ['/beta'] }]),
  [`/containers/${ID_A}/json`]: json(inspect(ID_A, 'alpha')),
  [`/containers/${ID_B}/json`]: json(inspect(ID_B, 'beta')),
  '/images/json': json([{ Id: 'sha256:' + 'd'.repeat(64), RepoTags: ['registry.example.com/team/app:1'], Size: 10, Created: 1_700_000_000 }]),
  '/volumes': json({ Volumes: [] }),
  ...extra,
});

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

/**
 * Runs the collector as an unprivileged user: in this process when it is not root, else the
 * compiled collector (npm test builds dist/ first) in a child running as nobody, since root
 * connects to any socket whatever its mode.
 */
async function collectUnprivileged(socket: string): Promise<unknown> {
  if (process.getuid?.() !== 0) return dockerCollector.collect(collectorContext({ docker: { socket } }));
  const dist = path.join(import.meta.dirname, '../../dist');
  const collector = path.join(dist, 'collectors/docker/index.js');
  if (!fs.existsSync(collector)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this suite');
  const script = [
    `const { dockerCollector } = await import(${JSON.stringify(collector)});`,
    `const { defaultConfig } = await import(${JSON.stringify(path.join(dist, 'agent/config/schema.js'))});`,
    `const { default: pino } = await import(${JSON.stringify(path.join(import.meta.dirname, '../../node_modules/pino/pino.js'))});`,
    'const config = defaultConfig();',
    `config.docker.socket = ${JSON.stringify(socket)};`,
    "const facts = await dockerCollector.collect({ root: '/nonexistent', config, deadline: Date.now() + 5000, signal: AbortSignal.timeout(5000), log: pino({ level: 'silent' }), earlier: {} });",
    'process.stdout.write(JSON.stringify(facts));',
  ].join('\n');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 20_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}: ${err}`)) : resolve(out),
    ),
  );
  return JSON.parse(stdout) as unknown;
}

async function collectFrom(routes: Record<string, FakeRoute>, docker: Record<string, number> = {}) {
  engine = await new FakeEngine(routes).start();
  const started = performance.now();
  const facts = await dockerCollector.collect(collectorContext({ docker: { socket: engine.socketPath, request_timeout_seconds: 0.3, ...docker } }));
  return { facts, elapsedMs: performance.now() - started };
}

describe('docker collector faults', () => {
  it('no socket: engine unavailable, daemon files still read, checks not applicable, scan completes', async () => {
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rw-nosock-')), 'docker.sock');
    const config = collectorContext({ docker: { socket: missing } }).config;
    const facts = await collectFacts({ root: fs.mkdtempSync(path.join(os.tmpdir(), 'rw-root-')), config, collectors: [dockerCollector], log: silentLog });
    expect(facts.collectors[0]?.status).toBe('ok');
    expect(facts.domains.docker).toMatchObject({ available: false, unavailable: { reason: 'no-socket' }, endpoint: `unix://${missing}` });
    const result = judge(facts, dockerChecks, []);
    // Only docker facts were collected here: the check joining runner facts reports their absence.
    const statuses = Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
    expect(statuses).toEqual({ ...Object.fromEntries(dockerChecks.map((c) => [c.meta.id, 'not-applicable'])), 'docker-private-image-if-not-present': 'error' });
  });

  it('permission denied on the socket: a real EACCES, the collector running unprivileged', async () => {
    engine = await new FakeEngine(HEALTHY_ENGINE).start();
    // Like /var/run/docker.sock: owned by root, 0660, in a directory everyone can enter.
    fs.chmodSync(engine.dir, 0o755);
    fs.chmodSync(engine.socketPath, 0o660);
    const facts = await collectUnprivileged(engine.socketPath);
    expect(facts).toMatchObject({ available: false, unavailable: { reason: 'denied', detail: 'permission denied on the socket' } });
    expect(engine.requests).toEqual([]);
  });

  it('a socket that accepts and never answers: unavailable by the request deadline', async () => {
    const { facts, elapsedMs } = await collectFrom({ '/version': neverAnswer });
    expect(facts).toMatchObject({ available: false, unavailable: { reason: 'timeout' } });
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('a raw socket that accepts and never speaks HTTP: same deadline', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-mute-'));
    const socketPath = path.join(dir, 'docker.sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const started = performance.now();
      const facts = await dockerCollector.collect(collectorContext({ docker: { socket: socketPath, request_timeout_seconds: 0.3 } }));
      expect(facts.unavailable?.reason).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the collector deadline stops the scan even with a generous request budget', async () => {
    engine = await new FakeEngine(baseRoutes({ [`/containers/${ID_B}/json`]: neverAnswer })).start();
    const context = collectorContext({ docker: { socket: engine.socketPath, request_timeout_seconds: 60 }, budgetMs: 400 });
    const started = performance.now();
    const facts = await dockerCollector.collect(context);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(facts.containers.map((c) => c.name)).toEqual(['alpha']);
    expect(facts.problems).toContainEqual(expect.objectContaining({ stage: 'inspect', kind: 'timeout', subject: 'beta' }));
  });

  it('an API error in the middle of the container list: the list is reported, images and volumes still collected', async () => {
    const midList: FakeRoute = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`[{"Id":"${ID_A}","Names":["/alpha"]},{"Id":"${ID_B}",`);
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const { facts } = await collectFrom(baseRoutes({ '/containers/json': midList }));
    expect(facts.available).toBe(true);
    expect(facts.containers).toEqual([]);
    expect(facts.problems).toEqual([expect.objectContaining({ stage: 'containers', kind: 'io' })]);
    expect(facts.images.map((i) => i.tags)).toEqual([['registry.example.com/team/app:1']]);
  });

  it('an engine error status on the list is an api problem', async () => {
    const { facts } = await collectFrom(baseRoutes({ '/containers/json': json({ message: 'server error\u001b[2J' }, 500) }));
    expect(facts.problems).toEqual([{ stage: 'containers', kind: 'api', subject: null, message: 'HTTP 500: server error\uFFFD[2J' }]);
  });

  it('a container that disappears between list and inspect is reported, the others are judged', async () => {
    const { facts } = await collectFrom(baseRoutes({ [`/containers/${ID_B}/json`]: json({ message: `No such container: ${ID_B}` }, 404) }));
    expect(facts.containers.map((c) => c.name)).toEqual(['alpha']);
    expect(facts.problems).toEqual([expect.objectContaining({ stage: 'inspect', kind: 'vanished', subject: 'beta' })]);
    expect(JSON.stringify(facts)).not.toContain('canary');
  });

  it('an engine that refuses the caller (authorization plugin) is unavailable: denied', async () => {
    const { facts } = await collectFrom({ '/version': json({ message: 'authorization denied by plugin' }, 403) });
    expect(facts.unavailable).toEqual({ reason: 'denied', detail: 'authorization denied by plugin' });
  });

  it('hostile labels and names: sanitised, bounded, no prototype pollution', async () => {
    const huge = `glrt-${'S'.repeat(30)} \u001b]0;pwned\u0007\u202e` + 'x'.repeat(10_000);
    const labels = {
      __proto__: { polluted: 'yes' },
      constructor: 'boom',
      'com.gitlab.gitlab-runner.job.id': `12\u001b[31m34\n`,
      'com.gitlab.gitlab-runner.project.id': huge,
      'com.gitlab.gitlab-runner.runner.id': 'xY9zAbCd1',
      'com.gitlab.gitlab-runner.job.url': huge,
      ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`junk.${i}`, huge])),
    };
    const body = JSON.stringify(inspect(ID_A, `evil\nname\u001b[2J${'n'.repeat(10_000)}`, { Config: { Image: huge, Labels: labels } }));
    // JSON.stringify drops a literal __proto__ key from an object literal; put it in the raw JSON.
    const raw = body.replace('"constructor":"boom"', '"__proto__":{"polluted":"yes"},"constructor":"boom"');
    const routes = baseRoutes({
      '/containers/json': json([{ Id: ID_A, Names: ['/evil'] }]),
      [`/containers/${ID_A}/json`]: (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(raw),
    });
    const { facts } = await collectFrom(routes);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const [container] = facts.containers;
    // 305 string labels; the raw __proto__ key holds an object, which is not a label value and is dropped.
    expect(container?.labelCount).toBe(305);
    expect(container?.name.length).toBeLessThanOrEqual(200);
    expect(container?.job?.projectId?.length).toBeLessThanOrEqual(40);
    const text = JSON.stringify(facts);
    expect(text).not.toContain('S'.repeat(30));
    expect(stripControl(text)).toBe(text);
    expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
    const result = judge({ schemaVersion: 1, tool: { name: 'runner-warden', version: 't' }, host: { hostname: 'h', machineId: null }, root: '/', collectedAt: { start: '2026-11-29T00:00:00Z', end: '2026-11-29T00:00:01Z' }, collectors: [], domains: { docker: facts } }, dockerChecks, []);
    const privileged = result.findings.find((f) => f.checkId === 'docker-privileged-container');
    expect(privileged?.message).toMatch(/^job 12\uFFFD\[31m34 of project \[REDACTED\]/);
    expect(privileged?.message.length).toBeLessThanOrEqual(400);
  });

  it('inspects at the configured concurrency, never more', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => i.toString(16).padStart(64, '0'));
    let inFlight = 0;
    let peak = 0;
    const slowInspect: FakeRoute = (request, response) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const id = /\/containers\/([0-9a-f]{64})\/json/.exec(request.url ?? '')?.[1] ?? '';
      setTimeout(() => {
        inFlight--;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(inspect(id, `c-${id.slice(-2)}`)));
      }, 15);
    };
    engine = await new FakeEngine({ ...baseRoutes({}), '/containers/json': json(ids.map((Id) => ({ Id, Names: [`/c-${Id.slice(-2)}`] }))) }, slowInspect).start();
    const facts = await dockerCollector.collect(collectorContext({ docker: { socket: engine.socketPath, concurrency: 3 } }));
    expect(facts.containers).toHaveLength(40);
    expect(peak).toBe(3);
    expect(engine.requests.filter((r) => r.startsWith('/containers/json'))).toEqual([`/containers/json?all=true&limit=5001`]);
  });

  it('refuses a response larger than the cap', async () => {
    engine = await new FakeEngine({ '/images/json': json(Array.from({ length: 2000 }, (_, i) => ({ Id: `sha256:${i}`, RepoTags: [`x/y:${i}`] }))) }).start();
    const client = await EngineClient.connect(resolveEndpoint(engine.socketPath, {}), 1000, new AbortController().signal, 4096);
    await expect(client.get('/images/json')).rejects.toMatchObject({ kind: 'too-large' });
  });

  it('invalid JSON is malformed', async () => {
    const { facts } = await collectFrom(baseRoutes({ '/images/json': (_request, response) => response.writeHead(200).end('[{"Id": nope') }));
    expect(facts.problems).toEqual([expect.objectContaining({ stage: 'images', kind: 'malformed' })]);
  });

  it('honours DOCKER_HOST=unix:// over the configured socket', async () => {
    engine = await new FakeEngine(baseRoutes({})).start();
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${engine.socketPath}`;
    try {
      const facts = await dockerCollector.collect(collectorContext({ docker: { socket: '/nonexistent/docker.sock' } }));
      expect(facts).toMatchObject({ available: true, endpoint: `unix://${engine.socketPath}` });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('honours DOCKER_HOST=tcp:// on loopback', async () => {
    const server = (await import('node:http')).createServer((request, response) => {
      const route = (request.url ?? '').replace(/\?.*$/, '');
      if (route === '/version') return void response.writeHead(200).end(JSON.stringify({ Version: '27.0.0', ApiVersion: '1.46' }));
      if (route === '/info') return void response.writeHead(200).end('{}');
      if (route === '/volumes') return void response.writeHead(200).end('{"Volumes":[]}');
      response.writeHead(200).end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${port}`;
    try {
      const facts = await dockerCollector.collect(collectorContext());
      expect(facts).toMatchObject({ available: true, endpoint: `tcp://127.0.0.1:${port}`, engine: { version: '27.0.0' } });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a DOCKER_CERT_PATH without certificates makes the engine unavailable, not the collector crash', async () => {
    const saved = { host: process.env.DOCKER_HOST, verify: process.env.DOCKER_TLS_VERIFY, certs: process.env.DOCKER_CERT_PATH };
    Object.assign(process.env, { DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'rw-nocerts-')) });
    try {
      const facts = await dockerCollector.collect(collectorContext());
      expect(facts).toMatchObject({ available: false, endpoint: 'tcp://127.0.0.1:1', unavailable: { reason: 'error' } });
    } finally {
      for (const [name, value] of [['DOCKER_HOST', saved.host], ['DOCKER_TLS_VERIFY', saved.verify], ['DOCKER_CERT_PATH', saved.certs]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('docker.enabled = false: no request at all', async () => {
    engine = await new FakeEngine(baseRoutes({})).start();
    const facts = await dockerCollector.collect(collectorContext({ docker: { socket: engine.socketPath, enabled: false } }));
    expect(facts.unavailable?.reason).toBe('disabled');
    expect(engine.requests).toEqual([]);
  });
});
