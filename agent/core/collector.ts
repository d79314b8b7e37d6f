import type { Logger } from 'pino';
import type { WardenConfig } from '../config/schema.js';
import type { DomainFacts, FactDomain } from './facts.js';

export interface CollectorContext {
  /** Host root: every file is read under it ("/" on a live host). */
  root: string;
  config: WardenConfig;
  /** Epoch ms by which collect() must have returned. */
  deadline: number;
  /** Aborted when the deadline passes: pass it to every request and long loop. */
  signal: AbortSignal;
  log: Logger;
  /** Facts of the domains this collector declared in `after` (e.g. the runner's job user). */
  earlier: Partial<DomainFacts>;
}

export interface Collector<D extends FactDomain = FactDomain> {
  name: string;
  provides: D;
  /** Domains whose facts this collector needs to know where to look; they run first. */
  after: FactDomain[];
  /** Default budget; the config's scan.collector_timeout_seconds can lower it. */
  timeoutMs: number;
  collect(ctx: CollectorContext): Promise<DomainFacts[D]>;
  /** Returns a description of what is wrong with a value that claims to be these facts, or null. */
  validate(value: unknown): string | null;
}

export function defineCollector<D extends FactDomain>(collector: Collector<D>): Collector<D> {
  return collector;
}
