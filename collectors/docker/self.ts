import os from 'node:os';
import { readTextUnderRoot } from '../../agent/lib/safe-fs.js';
import type { SelfContainerFacts } from './types.js';

const CONTAINER_ID = /[0-9a-f]{64}/;

function read(root: string, hostPath: string): string {
  try {
    return readTextUnderRoot(root, hostPath, { maxBytes: 64 * 1024 }) ?? '';
  } catch {
    // /proc may be absent from a synthetic root or unreadable: then we are simply not recognised.
    return '';
  }
}

/**
 * The container runner-warden itself runs in, if any: a docker id in its cgroup paths (cgroup v1,
 * or v2 with a docker scope), else in mountinfo (the container's hostname/resolv.conf binds come
 * from /var/lib/docker/containers/<id>/), else a hostname that is a container id prefix, which
 * `matchesHostname` checks against the listed containers.
 */
export function detectSelfContainer(root: string): SelfContainerFacts {
  for (const line of read(root, '/proc/self/cgroup').split('\n')) {
    if (!/docker|containerd|libpod/.test(line)) continue;
    const id = CONTAINER_ID.exec(line)?.[0];
    if (id) return { containerId: id, detectedBy: 'cgroup' };
  }
  for (const line of read(root, '/proc/self/mountinfo').split('\n')) {
    const id = /\/containers\/([0-9a-f]{64})\//.exec(line)?.[1];
    if (id) return { containerId: id, detectedBy: 'mountinfo' };
  }
  return { containerId: null, detectedBy: null };
}

/** Docker sets a container's hostname to the first 12 characters of its id. */
export function selfByHostname(containerIds: readonly string[], hostname = os.hostname()): SelfContainerFacts {
  if (!/^[0-9a-f]{12}$/.test(hostname)) return { containerId: null, detectedBy: null };
  const id = containerIds.find((candidate) => candidate.startsWith(hostname));
  return id ? { containerId: id, detectedBy: 'hostname' } : { containerId: null, detectedBy: null };
}
