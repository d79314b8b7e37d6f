import type { Logger } from 'pino';
import { CHECKS } from '../../checks/index.js';
import { COLLECTORS } from '../../collectors/index.js';
import type { WardenConfig } from '../config/schema.js';
import { useFileAccess } from '../lib/dir-syscalls.js';
import type { Check } from './check.js';
import type { Collector } from './collector.js';
import { collectFacts } from './collect.js';
import type { Facts, FactDomain } from './facts.js';
import { judge, selectChecks } from './judge.js';
import type { ScanResult } from './result.js';

export interface ScanOptions {
  config: WardenConfig;
  log: Logger;
  /** Check ids or categories to run (empty: all). */
  only?: readonly string[];
  /** Check ids or categories to leave out. */
  skip?: readonly string[];
  collectors?: readonly Collector[];
  checks?: readonly Check[];
  onProgress?: (collector: string, state: 'start' | 'done') => void;
}

/** The selected checks and the fact domains they need. */
export function plan(options: ScanOptions): { checks: Check[]; domains: Set<FactDomain> } {
  const checks = selectChecks(options.checks ?? CHECKS, options.only ?? [], options.skip ?? []);
  return { checks, domains: new Set(checks.flatMap((check) => check.meta.requires)) };
}

/** Collects the facts the selected checks need. */
export async function collectForScan(options: ScanOptions): Promise<Facts> {
  const { domains } = plan(options);
  const access = useFileAccess(options.config.scan.file_access);
  options.log.debug({ fileAccess: access, setting: options.config.scan.file_access }, 'file access');
  const filtered = (options.only?.length ?? 0) > 0 || (options.skip?.length ?? 0) > 0;
  return collectFacts({
    root: options.config.scan.root,
    config: options.config,
    collectors: options.collectors ?? COLLECTORS,
    log: options.log,
    ...(filtered ? { domains } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** Judges a snapshot with the selected checks and the config's suppressions. */
export function judgeFacts(facts: Facts, options: ScanOptions): ScanResult {
  return judge(facts, plan(options).checks, options.config.suppress);
}

/** A whole scan: collect, then judge. */
export async function runScan(options: ScanOptions): Promise<ScanResult> {
  return judgeFacts(await collectForScan(options), options);
}
