import type { RunnerFacts } from '../../collectors/runner/types.js';
import type { DockerFacts } from '../../collectors/docker/types.js';
import type { SystemFacts } from '../../collectors/system/types.js';
import type { NetworkFacts } from '../../collectors/network/types.js';

/**
 * The fact domains. Each is provided by exactly one collector and may be missing
 * when that collector failed or was skipped.
 */
export interface DomainFacts {
  runner: RunnerFacts;
  docker: DockerFacts;
  system: SystemFacts;
  network: NetworkFacts;
}
export type FactDomain = keyof DomainFacts;
export const FACT_DOMAINS: readonly FactDomain[] = ['runner', 'docker', 'system', 'network'];

export type CollectorState = 'ok' | 'error' | 'skipped';

export interface CollectorStatus {
  name: string;
  provides: FactDomain;
  status: CollectorState;
  durationMs: number;
  /** Sanitised, secret-free message when status is error or skipped. */
  message?: string;
}

export interface HostIdentity {
  hostname: string;
  /** Fingerprint of /etc/machine-id (never the raw id). */
  machineId: string | null;
}

/** One JSON-serialisable snapshot of the host: everything a check may look at. */
export interface Facts {
  schemaVersion: 1;
  tool: { name: 'runner-warden'; version: string };
  host: HostIdentity;
  /** The host root the files were read under ("/" on a live host). */
  root: string;
  collectedAt: { start: string; end: string };
  collectors: CollectorStatus[];
  domains: Partial<DomainFacts>;
}
