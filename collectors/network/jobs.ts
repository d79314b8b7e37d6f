import type { DomainFacts } from '../../agent/core/facts.js';
import { safeText } from '../../agent/lib/sanitize.js';

/** A running job container whose network namespace can be entered. */
export interface JobContainer {
  name: string;
  id: string;
  pid: number;
  networkMode: string;
}

export interface JobNetworks {
  /** Why jobs run in the host's own network namespace (shell executor, network_mode host). */
  hostReasons: string[];
  /** One running job container per kind of network jobs use (default bridge, per-build networks...). */
  containers: JobContainer[];
  /** Why no container could be chosen, when none was. */
  noContainerReason: string | null;
}

/** Namespaces entered per scan: one per kind of job network is enough to tell reachability. */
const MAX_JOB_VANTAGES = 3;
/** Executors whose jobs run as host processes, in the host's network namespace. */
const HOST_EXECUTORS = new Set(['shell']);

function networkKind(mode: string): string {
  if (mode === '' || mode === 'default' || mode === 'bridge') return 'bridge';
  // FF_NETWORK_PER_BUILD networks are named per job: one of them stands for all.
  if (/^runner-.*-network$/.test(mode)) return 'per-build';
  return mode;
}

/** Reads, from the runner and docker facts, where jobs run on the network. */
export function jobNetworks(earlier: Partial<DomainFacts>): JobNetworks {
  const hostReasons: string[] = [];
  for (const config of earlier.runner?.configs ?? []) {
    for (const runner of config.runners) {
      const label = safeText(runner.name || runner.id, 80);
      if (runner.executor !== null && HOST_EXECUTORS.has(runner.executor)) hostReasons.push(`runner "${label}" uses the ${runner.executor} executor`);
      if (runner.docker?.networkMode === 'host') hostReasons.push(`runner "${label}" sets network_mode = "host"`);
    }
  }
  const docker = earlier.docker;
  const jobs = (docker?.containers ?? []).filter((container) => container.job !== null && container.running);
  for (const container of jobs) {
    if (container.networkMode === 'host') hostReasons.push(`job container ${safeText(container.name, 80)} uses network_mode host`);
  }
  const byKind = new Map<string, JobContainer>();
  for (const container of jobs) {
    const mode = container.networkMode;
    if (container.pid === null || container.pid <= 0 || mode === 'host' || mode === 'none' || mode.startsWith('container:')) continue;
    const kind = networkKind(mode);
    if (!byKind.has(kind) && byKind.size < MAX_JOB_VANTAGES) byKind.set(kind, { name: safeText(container.name, 120), id: container.id.slice(0, 12), pid: container.pid, networkMode: safeText(mode, 120) });
  }
  let noContainerReason: string | null = null;
  if (byKind.size === 0) {
    if (!docker) noContainerReason = 'docker facts unavailable';
    else if (!docker.available) noContainerReason = 'no Docker engine answered';
    else noContainerReason = 'no running job container with its own network namespace';
  }
  return { hostReasons: [...new Set(hostReasons)], containers: [...byKind.values()], noContainerReason };
}
