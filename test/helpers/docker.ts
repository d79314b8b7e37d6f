import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import type { CollectorContext } from '../../agent/core/collector.js';
import { defaultConfig, type WardenConfig } from '../../agent/config/schema.js';

/** The image test/setup.d/20-docker.sh builds from the static busybox. */
export const TEST_IMAGE = 'runner-warden-test/busybox:latest';
/** Every container and volume tests create carries this label, valued with the run id. */
export const TEST_RUN_LABEL = 'io.runner-warden.test-run';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** True when a Docker engine answers on the default socket. */
export async function engineAnswers(socketPath = DEFAULT_SOCKET): Promise<boolean> {
  try {
    await new Dockerode({ socketPath, timeout: 5000 }).ping();
    return true;
  } catch {
    return false;
  }
}

export interface TestContainerSpec {
  /** Suffix of the name; the engine gets `<run prefix>-<suffix>`. */
  name: string;
  labels?: Record<string, string>;
  env?: string[];
  hostConfig?: Dockerode.HostConfig;
  /** Start it after creating (privileged containers cannot start on these machines). */
  start?: boolean;
}

/**
 * Containers and volumes for one test run on the shared engine. Names and labels carry a unique
 * run id, so cleanup removes only what this run created: other suites and the benchmark share
 * the engine.
 */
export class TestEngine {
  readonly docker: Dockerode;
  readonly runId = `rwt${randomBytes(4).toString('hex')}`;

  constructor(readonly socketPath = DEFAULT_SOCKET) {
    this.docker = new Dockerode({ socketPath, timeout: 30_000 });
  }

  containerName(suffix: string): string {
    return `${this.runId}-${suffix}`;
  }

  async createContainer(spec: TestContainerSpec): Promise<{ id: string; name: string }> {
    const name = this.containerName(spec.name);
    const container = await this.docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: ['/bin/sleep', '600'],
      Labels: { ...spec.labels, [TEST_RUN_LABEL]: this.runId },
      Env: spec.env ?? [],
      HostConfig: { NetworkMode: 'none', ...spec.hostConfig },
    });
    if (spec.start !== false) await container.start();
    return { id: container.id, name };
  }

  async createVolume(suffix: string, labels: Record<string, string>): Promise<string> {
    const name = this.containerName(suffix);
    await this.docker.createVolume({ Name: name, Labels: { ...labels, [TEST_RUN_LABEL]: this.runId } });
    return name;
  }

  /** Removes every container, then every volume, of this run (and nothing else). */
  async cleanup(): Promise<void> {
    const filters = JSON.stringify({ label: [`${TEST_RUN_LABEL}=${this.runId}`] });
    const containers = await this.docker.listContainers({ all: true, filters });
    await Promise.all(containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true })));
    const volumes = await this.docker.listVolumes({ filters });
    await Promise.all((volumes.Volumes ?? []).map((v) => this.docker.getVolume(v.Name).remove()));
  }
}

/** A collector context for tests: a host root, runner-warden's config with docker overrides, a deadline. */
export function collectorContext(options: { root?: string; docker?: Partial<WardenConfig['docker']>; budgetMs?: number; signal?: AbortSignal } = {}): CollectorContext {
  const config = defaultConfig();
  config.docker = { ...config.docker, ...options.docker };
  const budget = options.budgetMs ?? 20_000;
  return {
    root: options.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rw-docker-root-')),
    config,
    deadline: Date.now() + budget,
    signal: options.signal ?? AbortSignal.timeout(budget),
    log: pino({ level: 'silent' }),
    earlier: {},
  };
}

export type FakeRoute = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/**
 * A fake Engine API on a unix socket in a temp dir: routes by path (query stripped, API version
 * prefix removed), then `fallback` when given; other paths answer 404 like the engine.
 */
export class FakeEngine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-fake-engine-'));
  readonly socketPath = path.join(this.dir, 'docker.sock');
  readonly requests: string[] = [];
  private readonly server: http.Server;

  constructor(
    private readonly routes: Record<string, FakeRoute>,
    private readonly fallback?: FakeRoute,
  ) {
    this.server = http.createServer((request, response) => {
      const url = (request.url ?? '/').replace(/^\/v\d+\.\d+/, '');
      this.requests.push(url);
      const route = this.routes[url.split('?')[0] ?? '/'] ?? this.fallback;
      if (route) return route(request, response);
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `no such path ${url}` }));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(this.socketPath, resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A route answering JSON. */
export function json(value: unknown, status = 200): FakeRoute {
  return (_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** A route that accepts the request and never answers. */
export const neverAnswer: FakeRoute = () => undefined;

/** Minimal `/version` and `/info` answers of a healthy engine. */
export const HEALTHY_ENGINE = {
  '/version': json({ Version: '27.5.1', ApiVersion: '1.47' }),
  '/info': json({ SecurityOptions: ['name=seccomp,profile=builtin', 'name=apparmor', 'name=cgroupns'], CgroupVersion: '2', LiveRestoreEnabled: false, DockerRootDir: '/var/lib/docker', Containers: 0 }),
};
