import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { benchRunners } from './runner-config.js';

/** The image the docker tests import (test/setup.d/20-docker.sh); every bench container and tag uses it. */
export const BENCH_IMAGE = 'runner-warden-test/busybox:latest';
const RUN_LABEL = 'runner-warden.bench.run';
/** Tags live under this path segment, so cleanup can find exactly this run's tags (tags cannot carry labels). */
const TAG_SEGMENT = 'rw-bench-';
const CREATE_CONCURRENCY = 4;

/** A bench run id embeds the pid, so a later run can tell a crashed run's leftovers from a live one's. */
export function newRunId(): string {
  return `${process.pid}-${Date.now().toString(36)}`;
}

function runIsAlive(runId: string): boolean {
  const pid = Number(runId.split('-')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  return fs.existsSync(`/proc/${pid}`);
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: size }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

/**
 * The risky mix a busy runner host shows: the settings container checks look for, one or two per
 * container, on gitlab-runner-labelled build containers. --privileged cannot start on these machines.
 */
function containerSpec(index: number, runId: string, socketPath: string): Docker.ContainerCreateOptions {
  const runners = benchRunners();
  const runner = runners[index % runners.length] as (typeof runners)[number];
  const project = 100 + (index % 37);
  const host: Docker.HostConfig = { NetworkMode: 'none', AutoRemove: false };
  switch (index % 6) {
    case 0:
      host.CapAdd = ['SYS_ADMIN'];
      break;
    case 1:
      host.NetworkMode = 'host';
      break;
    case 2:
      host.PidMode = 'host';
      break;
    case 3:
      host.Binds = [`${socketPath}:/var/run/docker.sock`];
      break;
    case 4:
      host.SecurityOpt = ['seccomp=unconfined'];
      break;
    default:
      host.CapDrop = ['ALL'];
      host.ReadonlyRootfs = true;
  }
  if (index % 4 === 0) host.Binds = [...(host.Binds ?? []), `/tmp:/host-tmp`];
  return {
    name: `runner-${runner.shortToken}-project-${project}-concurrent-${index % 3}-bench-${runId}-${index}-build`,
    Image: BENCH_IMAGE,
    Cmd: ['/bin/sleep', '86400'],
    Env: [`CI_JOB_TOKEN=FAKE-job-token-${index}`, `CI_PROJECT_ID=${project}`, 'CI_SERVER_URL=https://gitlab.example.test'],
    Labels: {
      [RUN_LABEL]: runId,
      'com.gitlab.gitlab-runner.managed': 'true',
      'com.gitlab.gitlab-runner.type': 'build',
      'com.gitlab.gitlab-runner.job.id': String(50_000 + index),
      'com.gitlab.gitlab-runner.job.url': `https://gitlab.example.test/group/project-${project}/-/jobs/${50_000 + index}`,
      'com.gitlab.gitlab-runner.project.id': String(project),
      'com.gitlab.gitlab-runner.runner.id': runner.shortToken,
      'com.gitlab.gitlab-runner.pipeline.id': String(9_000 + (index % 50)),
    },
    HostConfig: host,
  };
}

function tagName(index: number, runId: string): { repo: string; tag: string } {
  const registries = ['registry.gitlab.example.test', 'registry.example.test:5000', 'harbor.example.test'];
  const registry = registries[index % registries.length] as string;
  return { repo: `${registry}/${TAG_SEGMENT}${runId}/group-${index % 20}/app-${index}`, tag: `1.${index % 50}.${index}` };
}

export interface EngineCounts {
  /** Running containers on the engine (the bench's and anyone else's: the scan sees them all). */
  runningContainers: number;
  benchContainers: number;
  /** Image tags on the engine. */
  imageTags: number;
  benchTags: number;
}

/** The real engine the scan inspects, loaded with this run's containers and image tags. */
export class BenchEngine {
  /** This run's containers by creation index. */
  private readonly containerIds: string[] = [];
  private tags = 0;

  private constructor(
    private readonly docker: Docker,
    readonly socketPath: string,
    readonly runId: string,
  ) {}

  /** Connects to the engine, starting it with the docker tests' setup script when none answers. */
  static async open(socketPath: string, repoRoot: string, runId: string): Promise<BenchEngine> {
    const docker = new Docker({ socketPath, timeout: 30_000 });
    const answers = async (): Promise<boolean> => docker.ping().then(() => true, () => false);
    if (!(await answers()) || !(await hasImage(docker))) {
      const setup = path.join(repoRoot, 'test/setup.d/20-docker.sh');
      process.stderr.write(`bench: no engine with ${BENCH_IMAGE} on ${socketPath}; running ${setup}\n`);
      execFileSync('bash', [setup], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (!(await answers())) throw new Error(`no Docker engine answers on ${socketPath} after ${setup}`);
    }
    const engine = new BenchEngine(docker, socketPath, runId);
    await engine.removeDeadRunsLeftovers();
    return engine;
  }

  /** Creates and starts, or removes, this run's containers until it has `count` running. */
  async setContainers(count: number): Promise<void> {
    const missing = Array.from({ length: Math.max(0, count - this.containerIds.length) }, (_, i) => this.containerIds.length + i);
    const created: [number, string][] = [];
    await inBatches(missing, CREATE_CONCURRENCY, async (index) => {
      const container = await this.docker.createContainer(containerSpec(index, this.runId, this.socketPath));
      created.push([index, container.id]);
      await container.start();
    });
    for (const [index, id] of created) this.containerIds[index] = id;
    const surplus = this.containerIds.splice(count);
    await inBatches(surplus, CREATE_CONCURRENCY, async (id) => {
      await this.docker.getContainer(id).remove({ force: true });
    });
  }

  /** Tags the bench image under registry-looking names until this run has `count` tags. */
  async growTags(count: number): Promise<void> {
    const indexes = Array.from({ length: Math.max(0, count - this.tags) }, (_, i) => this.tags + i);
    const image = this.docker.getImage(BENCH_IMAGE);
    await inBatches(indexes, CREATE_CONCURRENCY, async (index) => {
      await image.tag(tagName(index, this.runId));
    });
    this.tags = Math.max(this.tags, count);
  }

  async counts(): Promise<EngineCounts> {
    const running = await this.docker.listContainers();
    const images = await this.docker.listImages();
    const tags = images.flatMap((image) => image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
    return {
      runningContainers: running.length,
      benchContainers: running.filter((c) => c.Labels[RUN_LABEL] === this.runId).length,
      imageTags: tags.length,
      benchTags: tags.filter((tag) => tag.includes(`/${TAG_SEGMENT}${this.runId}/`)).length,
    };
  }

  /** Removes this run's containers and tags, and nothing else. */
  async cleanup(): Promise<void> {
    await this.removeRuns((runId) => runId === this.runId);
  }

  private async removeDeadRunsLeftovers(): Promise<void> {
    await this.removeRuns((runId) => !runIsAlive(runId));
  }

  private async removeRuns(matches: (runId: string) => boolean): Promise<void> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
    const doomed = containers.filter((c) => c.Labels[RUN_LABEL] !== undefined && matches(c.Labels[RUN_LABEL]));
    await inBatches(doomed, CREATE_CONCURRENCY, async (c) => {
      await this.docker.getContainer(c.Id).remove({ force: true });
    });
    const images = await this.docker.listImages();
    const pattern = new RegExp(`/${TAG_SEGMENT}([0-9]+-[0-9a-z]+)/`);
    const tags = images.flatMap((image) => image.RepoTags ?? []).filter((tag) => {
      const runId = pattern.exec(tag)?.[1];
      return runId !== undefined && matches(runId);
    });
    // noprune: untagging must never delete the image the tests share.
    await inBatches(tags, CREATE_CONCURRENCY, async (tag) => {
      await this.docker.getImage(tag).remove({ noprune: true });
    });
  }
}

async function hasImage(docker: Docker): Promise<boolean> {
  return docker.getImage(BENCH_IMAGE).inspect().then(() => true, () => false);
}

/** CPU (user+sys, ms) the engine's dockerd processes have used so far: what answering a scan costs the host. */
export function dockerdCpuMs(): number | null {
  const ticksPerSecond = 100;
  let total = 0;
  let found = false;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'dockerd') continue;
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // After "pid (comm) ", utime and stime are the 12th and 13th fields.
      total += (Number(fields[11]) + Number(fields[12])) * (1000 / ticksPerSecond);
      found = true;
    } catch {
      // The process ended between readdir and read.
    }
  }
  return found ? total : null;
}
