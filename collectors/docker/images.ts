import { isoTime, numberAt, textAt, textsAt } from './json.js';
import type { ImageFacts } from './types.js';

const DOCKER_HUB = 'docker.io';
/** Public images every docker runner pulls: GitLab's helper image lives on registry.gitlab.com. */
const PUBLIC_RUNNER_IMAGES = /^registry\.gitlab\.com\/gitlab-org\/gitlab-runner(?:\/|$)/;

/**
 * Registry host of an image reference, the way Docker resolves it: the first path component is a
 * registry when it has a dot or a port or is `localhost`; otherwise the image is on Docker Hub.
 */
export function registryOf(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = reference.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return first.toLowerCase() === 'index.docker.io' ? DOCKER_HUB : first.toLowerCase();
  return DOCKER_HUB;
}

function isPlaceholder(reference: string): boolean {
  return reference === '<none>:<none>' || reference === '<none>@<none>';
}

/** One `/images/json` entry to image facts. */
/** Tags and digests listed per image in the facts (all are counted and judged). */
const MAX_LISTED_REFERENCES = 64;

export function parseImage(entry: unknown): ImageFacts {
  // Registries and privacy are judged on every reference; only the lists kept in the facts are cut.
  const tags = textsAt(entry, 'RepoTags', 300, Number.MAX_SAFE_INTEGER).filter((tag) => !isPlaceholder(tag));
  const digests = textsAt(entry, 'RepoDigests', 300, Number.MAX_SAFE_INTEGER).filter((digest) => !isPlaceholder(digest));
  const references = [...tags, ...digests];
  const registries = [...new Set(references.map(registryOf))].sort();
  return {
    id: textAt(entry, 'Id', 100),
    tags: tags.slice(0, MAX_LISTED_REFERENCES),
    tagCount: tags.length,
    digests: digests.slice(0, MAX_LISTED_REFERENCES),
    registries,
    looksPrivate: references.some((reference) => registryOf(reference) !== DOCKER_HUB && !PUBLIC_RUNNER_IMAGES.test(reference)),
    sizeBytes: numberAt(entry, 'Size') ?? 0,
    created: isoTime(numberAt(entry, 'Created')),
  };
}
