import { defineCollector, type CollectorContext } from '../../agent/core/collector.js';
import { safeErrorMessage } from '../../agent/lib/sanitize.js';
import { listedContainerId, listedContainerName, parseContainerInspect } from './containers.js';
import { readDaemonSettings } from './daemon-config.js';
import { emptyDockerFacts } from './empty.js';
import { resolveEndpoint } from './endpoint.js';
import { EngineClient, EngineError } from './engine-client.js';
import { parseEngineInfo } from './engine-info.js';
import { parseImage } from './images.js';
import { isObject, objectsAt } from './json.js';
import { detectSelfContainer, selfByHostname } from './self.js';
import type { ContainerFacts, DockerFacts, DockerProblem, DockerUnavailable } from './types.js';
import { validateDockerFacts } from './validate.js';
import { parseRunnerVolumes } from './volumes.js';

/** Beyond these counts the rest is left out (and said so in `problems`). */
const MAX_CONTAINERS = 5000;
const MAX_IMAGES = 5000;
const MAX_VOLUMES = 5000;
/** Problems kept in facts: a failing engine must not turn one per container into megabytes. */
const MAX_PROBLEMS = 200;

function engineProblem(stage: string, subject: string | null, error: unknown): DockerProblem {
  if (!(error instanceof EngineError)) return { stage, kind: 'io', subject, message: safeErrorMessage(error) };
  const kinds: Record<string, DockerProblem['kind']> = { timeout: 'timeout', denied: 'denied', 'too-large': 'too-large', malformed: 'malformed', api: 'api', 'not-found': 'vanished' };
  return { stage, kind: kinds[error.kind] ?? 'io', subject, message: safeErrorMessage(error) };
}

function unavailableFrom(error: unknown): DockerUnavailable {
  if (error instanceof EngineError && (error.kind === 'no-socket' || error.kind === 'denied' || error.kind === 'refused' || error.kind === 'timeout')) {
    return { reason: error.kind, detail: safeErrorMessage(error) };
  }
  return { reason: 'error', detail: safeErrorMessage(error) };
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new work once `signal` aborts. */
async function forEachBounded<T>(items: readonly T[], limit: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function capped<T>(items: T[], max: number, stage: string, problems: DockerProblem[]): T[] {
  if (items.length <= max) return items;
  problems.push({ stage, kind: 'limit', subject: null, message: `${items.length} entries, only the first ${max} kept` });
  return items.slice(0, max);
}

async function collectContainers(client: EngineClient, concurrency: number, signal: AbortSignal, problems: DockerProblem[]): Promise<ContainerFacts[]> {
  let listed: unknown;
  try {
    // One past the cap, so a host with more containers than we keep says so.
    listed = await client.get('/containers/json', { all: 'true', limit: String(MAX_CONTAINERS + 1) });
  } catch (error) {
    problems.push(engineProblem('containers', null, error));
    return [];
  }
  if (!Array.isArray(listed)) {
    problems.push({ stage: 'containers', kind: 'malformed', subject: null, message: 'the container list is not an array' });
    return [];
  }
  const entries = capped(listed, MAX_CONTAINERS, 'containers', problems);
  const containers: ContainerFacts[] = [];
  await forEachBounded(entries, concurrency, signal, async (entry) => {
    const id = listedContainerId(entry);
    if (!id) {
      problems.push({ stage: 'containers', kind: 'malformed', subject: listedContainerName(entry) || null, message: 'list entry without a valid id' });
      return;
    }
    try {
      const inspect = await client.get(`/containers/${id}/json`);
      if (!isObject(inspect)) throw new EngineError('malformed', 'inspect is not an object');
      containers.push(parseContainerInspect(inspect));
    } catch (error) {
      problems.push(engineProblem('inspect', listedContainerName(entry) || id.slice(0, 12), error));
    }
  });
  if (signal.aborted && containers.length < entries.length) problems.push({ stage: 'inspect', kind: 'timeout', subject: null, message: 'deadline passed before every container was inspected' });
  return containers.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

async function collectDocker(ctx: CollectorContext): Promise<DockerFacts> {
  const settings = ctx.config.docker;
  let endpoint;
  try {
    endpoint = resolveEndpoint(settings.socket);
  } catch (error) {
    const facts = emptyDockerFacts('DOCKER_HOST');
    facts.unavailable = { reason: 'error', detail: safeErrorMessage(error) };
    return facts;
  }
  const facts = emptyDockerFacts(endpoint.description);
  facts.daemon = readDaemonSettings(ctx.root, facts.problems);
  facts.self = detectSelfContainer(ctx.root);
  if (!settings.enabled) {
    facts.unavailable = { reason: 'disabled', detail: 'docker.enabled is false in the runner-warden config' };
    return facts;
  }

  let client: EngineClient;
  let version: unknown;
  try {
    // docker-modem reads DOCKER_CERT_PATH's certificates when it is built: a missing file throws here.
    client = await EngineClient.connect(endpoint, settings.request_timeout_seconds * 1000, ctx.signal);
    version = await client.get('/version');
  } catch (error) {
    facts.unavailable = unavailableFrom(error);
    facts.problems.push(engineProblem('connect', endpoint.description, error));
    return facts;
  }
  facts.available = true;
  let info: unknown = {};
  try {
    info = await client.get('/info');
  } catch (error) {
    facts.problems.push(engineProblem('info', null, error));
  }
  facts.engine = parseEngineInfo(version, info);

  facts.containers = await collectContainers(client, settings.concurrency, ctx.signal, facts.problems);
  try {
    const images = await client.get('/images/json');
    if (!Array.isArray(images)) throw new EngineError('malformed', 'the image list is not an array');
    facts.images = capped(images, MAX_IMAGES, 'images', facts.problems).map(parseImage);
  } catch (error) {
    facts.problems.push(engineProblem('images', null, error));
  }
  try {
    const volumes = objectsAt(await client.get('/volumes'), 'Volumes', Number.MAX_SAFE_INTEGER);
    const runner = parseRunnerVolumes(capped(volumes, MAX_VOLUMES, 'volumes', facts.problems), facts.containers);
    facts.runnerVolumes = runner.volumes;
    facts.otherVolumeCount = runner.others;
  } catch (error) {
    facts.problems.push(engineProblem('volumes', null, error));
  }
  if (facts.self.containerId === null) facts.self = selfByHostname(facts.containers.map((c) => c.id));
  if (facts.problems.length > MAX_PROBLEMS) {
    const dropped = facts.problems.length - MAX_PROBLEMS;
    facts.problems = [...facts.problems.slice(0, MAX_PROBLEMS), { stage: 'problems', kind: 'limit', subject: null, message: `${dropped} more problems left out` }];
  }
  ctx.log.debug({ containers: facts.containers.length, images: facts.images.length, problems: facts.problems.length }, 'docker facts collected');
  return facts;
}

export const dockerCollector = defineCollector({
  name: 'docker-engine',
  provides: 'docker',
  after: [],
  timeoutMs: 20_000,
  collect: collectDocker,
  validate: validateDockerFacts,
});
