import { defineCollector } from '../../agent/core/collector.js';
import { statUnderRoot } from '../../agent/lib/safe-fs.js';
import { detectCloud } from './cloud.js';
import { collectFirewall } from './firewall.js';
import { jobNetworks } from './jobs.js';
import { collectMetadata } from './metadata.js';
import { collectSockets } from './sockets.js';
import type { NetworkFacts } from './types.js';

const MAX_ERRORS = 50;

/** First of `candidates` that is a regular file on the live host (binaries are only run when the root is "/"). */
function findBinary(candidates: readonly string[]): string | null {
  for (const candidate of candidates) {
    try {
      if (statUnderRoot('/', candidate)?.type === 'file') return candidate;
    } catch {
      // Unreadable location: try the next one.
    }
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cloud, metadata reachability from the host and job namespaces, firewall guards and listening sockets. */
export const networkCollector = defineCollector({
  name: 'network',
  provides: 'network',
  after: ['runner', 'docker'],
  timeoutMs: 20_000,
  collect: async (ctx): Promise<NetworkFacts> => {
    const errors: string[] = [];
    const live = ctx.root === '/';
    const cloud = detectCloud(ctx.root, errors);
    const jobs = jobNetworks(ctx.earlier);
    const [metadata, firewall, sockets] = await Promise.all([
      collectMetadata({ root: ctx.root, config: ctx.config, cloud: cloud.provider, jobs, nsenter: live ? findBinary(['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter', '/sbin/nsenter']) : null, signal: ctx.signal }),
      collectFirewall({ root: ctx.root, signal: ctx.signal, findBinary }),
      collectSockets({ root: ctx.root, earlier: ctx.earlier, probeDockerApi: live, probeTimeoutMs: ctx.config.network.probe_timeout_ms, deadline: ctx.deadline - 1000, signal: ctx.signal, errors }),
    ]);
    return { cloud, metadata, firewall, sockets, errors: errors.slice(0, MAX_ERRORS) };
  },
  validate: (value) => {
    if (!isRecord(value)) return 'expected an object';
    for (const key of ['cloud', 'metadata', 'firewall', 'sockets'] as const) if (!isRecord(value[key])) return `expected ${key} to be an object`;
    if (!Array.isArray(value.errors)) return 'expected errors to be an array';
    const sockets = value.sockets as Record<string, unknown>;
    if (!Array.isArray(sockets.listening)) return 'expected sockets.listening to be an array';
    const metadata = value.metadata as Record<string, unknown>;
    if (!Array.isArray(metadata.vantages)) return 'expected metadata.vantages to be an array';
    return null;
  },
});
