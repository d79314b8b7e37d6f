import os from 'node:os';
import type { Logger } from 'pino';
import type { WardenConfig } from '../config/schema.js';
import { secretFingerprint } from '../lib/fingerprint.js';
import { readTextUnderRoot } from '../lib/safe-fs.js';
import { safeErrorMessage, safeText } from '../lib/sanitize.js';
import type { Collector } from './collector.js';
import type { CollectorStatus, DomainFacts, Facts, FactDomain, HostIdentity } from './facts.js';
import { TOOL_VERSION } from './version.js';

export interface CollectOptions {
  root: string;
  config: WardenConfig;
  collectors: readonly Collector[];
  log: Logger;
  /** Only these domains (and what they run after) are collected; the rest are marked skipped. */
  domains?: ReadonlySet<FactDomain>;
  onProgress?: (collector: string, state: 'start' | 'done') => void;
}

class CollectorTimeout extends Error {}

function hostIdentity(root: string): HostIdentity {
  const read = (file: string): string | null => {
    try {
      return readTextUnderRoot(root, file, { maxBytes: 4096 })?.trim() || null;
    } catch {
      return null;
    }
  };
  const hostname = read('/etc/hostname') ?? (root === '/' ? os.hostname() : 'unknown');
  const machineId = read('/etc/machine-id') ?? read('/var/lib/dbus/machine-id');
  return { hostname: safeText(hostname, 253), machineId: machineId ? secretFingerprint(machineId) : null };
}

/** Orders collectors so each runs after the domains it declared in `after`. */
function stages(collectors: readonly Collector[]): Collector[][] {
  const remaining = [...collectors];
  const done = new Set<FactDomain>();
  const result: Collector[][] = [];
  while (remaining.length > 0) {
    const ready = remaining.filter((c) => c.after.every((d) => done.has(d) || !collectors.some((o) => o.provides === d)));
    if (ready.length === 0) throw new Error(`collector dependency cycle among ${remaining.map((c) => c.name).join(', ')}`);
    result.push(ready);
    for (const c of ready) {
      done.add(c.provides);
      remaining.splice(remaining.indexOf(c), 1);
    }
  }
  return result;
}

function neededDomains(collectors: readonly Collector[], wanted: ReadonlySet<FactDomain>): Set<FactDomain> {
  const needed = new Set(wanted);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of collectors) {
      if (!needed.has(c.provides)) continue;
      for (const d of c.after) if (!needed.has(d)) needed.add(d), (grew = true);
    }
  }
  return needed;
}

async function runCollector(
  collector: Collector,
  options: CollectOptions,
  earlier: Partial<DomainFacts>,
): Promise<{ status: CollectorStatus; facts?: DomainFacts[FactDomain] }> {
  const budget = Math.min(collector.timeoutMs, options.config.scan.collector_timeout_seconds * 1000);
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const base = { name: collector.name, provides: collector.provides };
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new CollectorTimeout());
        reject(new CollectorTimeout());
      }, budget);
    });
    const work = collector.collect({
      root: options.root,
      config: options.config,
      deadline: Date.now() + budget,
      signal: controller.signal,
      log: options.log.child({ collector: collector.name }),
      earlier,
    });
    // A collector that ignores its signal is abandoned, not awaited: the scan goes on.
    work.catch(() => undefined);
    const value = await Promise.race([work, deadline]);
    const problem = collector.validate(value);
    if (problem) throw new Error(`returned malformed facts: ${problem}`);
    // Facts must survive JSON (they are saved, replayed and shipped); a round trip proves it.
    const facts = JSON.parse(JSON.stringify(value)) as DomainFacts[FactDomain];
    return { status: { ...base, status: 'ok', durationMs: Math.round(performance.now() - started) }, facts };
  } catch (error) {
    const message = error instanceof CollectorTimeout ? `timed out after ${budget} ms` : safeErrorMessage(error);
    options.log.warn({ collector: collector.name, err: message }, 'collector failed');
    return { status: { ...base, status: 'error', durationMs: Math.round(performance.now() - started), message } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every collector (each isolated and bounded) and returns one facts snapshot. A collector
 * starts as soon as the collectors it runs after are done, not when a whole stage is: the build
 * dir walk (after the runner facts) overlaps the Docker engine's answers.
 */
export async function collectFacts(options: CollectOptions): Promise<Facts> {
  const start = new Date();
  const needed = options.domains ? neededDomains(options.collectors, options.domains) : null;
  const domains: Partial<DomainFacts> = {};
  const statuses = new Map<string, CollectorStatus>();
  const finished = new Map<FactDomain, Promise<void>>();
  for (const collector of stages(options.collectors).flat()) {
    const prerequisites = collector.after.flatMap((domain) => finished.get(domain) ?? []);
    const run = async (): Promise<void> => {
      await Promise.all(prerequisites);
      if (needed && !needed.has(collector.provides)) {
        statuses.set(collector.name, { name: collector.name, provides: collector.provides, status: 'skipped', durationMs: 0, message: 'not needed by the selected checks' });
        return;
      }
      options.onProgress?.(collector.name, 'start');
      const result = await runCollector(collector, options, { ...domains });
      options.onProgress?.(collector.name, 'done');
      statuses.set(collector.name, result.status);
      if (result.facts !== undefined) (domains as Record<string, unknown>)[collector.provides] = result.facts;
    };
    finished.set(collector.provides, run());
  }
  await Promise.all(finished.values());
  return {
    schemaVersion: 1,
    tool: { name: 'runner-warden', version: TOOL_VERSION },
    host: hostIdentity(options.root),
    root: safeText(options.root, 4096),
    collectedAt: { start: start.toISOString(), end: new Date().toISOString() },
    collectors: options.collectors.map((c) => statuses.get(c.name) as CollectorStatus),
    domains,
  };
}
