import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { benchRunners } from './runner-config.js';
import { tinyTar } from './tiny-tar.js';

/** The image the docker tests import (test/setup.d/20-docker.sh); every bench container runs it. */
export const BENCH_IMAGE = 'runner-warden-test/busybox:latest';
/** On every container and image the bench creates: cleanup removes exactly these. */
const RUN_LABEL = 'runner-warden.bench.run';
const CREATE_CONCURRENCY = 4;
/** Cached images on a runner host are many distinct images, most with a tag or two. */
const TAGS_PER_IMAGE = 2;

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
  return { repo: `${registry}/bench-${runId}/group-${index % 20}/app-${Math.floor(index / TAGS_PER_IMAGE)}`, tag: `1.${index % 50}.${index}` };
}

export interface EngineCounts {
  /** Running containers on the engine (the bench's and anyone else's: the scan sees them all). */
  runningContainers: number;
  benchContainers: number;
  /** Images and image tags on the engine. */
  images: number;
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
      // Its messages go to stderr: stdout is the bench's report.
      execFileSync('bash', [setup], { stdio: ['ignore', 2, 2] });
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

  /**
   * Imports distinct tiny images (each its own ID and layer, labelled with the run id) under
   * registry-looking names until this run has `count` image tags, TAGS_PER_IMAGE per image.
   */
  async growImages(count: number): Promise<void> {
    const firstImage = Math.ceil(this.tags / TAGS_PER_IMAGE);
    const images = Array.from({ length: Math.max(0, Math.ceil(count / TAGS_PER_IMAGE) - firstImage) }, (_, i) => firstImage + i);
    await inBatches(images, CREATE_CONCURRENCY, async (image) => {
      const first = image * TAGS_PER_IMAGE;
      const { repo, tag } = tagName(first, this.runId);
      const rootfs = Readable.from([tinyTar(`bench-image-${image}`, `${this.runId} ${image}\n`)]);
      const progress = await this.docker.importImage(rootfs, { repo, tag, changes: [`LABEL ${RUN_LABEL}=${this.runId}`] });
      await new Promise<void>((resolve, reject) => this.docker.modem.followProgress(progress, (error) => (error ? reject(error) : resolve())));
      for (let index = first + 1; index < Math.min(first + TAGS_PER_IMAGE, count); index += 1) await this.docker.getImage(`${repo}:${tag}`).tag(tagName(index, this.runId));
    });
    this.tags = Math.max(this.tags, count);
  }

  async counts(): Promise<EngineCounts> {
    const running = await this.docker.listContainers();
    const images = await this.docker.listImages();
    const tagsOf = (list: Docker.ImageInfo[]): number => list.flatMap((image) => image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>').length;
    return {
      runningContainers: running.length,
      benchContainers: running.filter((c) => c.Labels[RUN_LABEL] === this.runId).length,
      images: images.length,
      imageTags: tagsOf(images),
      benchTags: tagsOf(images.filter((image) => image.Labels?.[RUN_LABEL] === this.runId)),
    };
  }

  /** Removes this run's containers and images, and nothing else. */
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
    const images = await this.docker.listImages({ filters: { label: [RUN_LABEL] } });
    const doomedImages = images.filter((image) => image.Labels?.[RUN_LABEL] !== undefined && matches(image.Labels[RUN_LABEL]));
    // Only the bench's own images carry the label: the image the tests share is never among them.
    await inBatches(doomedImages, CREATE_CONCURRENCY, async (image) => {
      await this.docker.getImage(image.Id).remove({ force: true });
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
