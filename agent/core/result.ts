import type { CollectorStatus, HostIdentity } from './facts.js';
import type { CheckResult, Finding, Suppression } from './finding.js';
import type { Severity } from './severity.js';

export interface ExpiredSuppression extends Suppression {
  note: string;
}

/** Everything one scan produced; the JSON output is exactly this object. */
export interface ScanResult {
  schemaVersion: 1;
  tool: { name: 'runner-warden'; version: string };
  host: HostIdentity;
  root: string;
  startedAt: string;
  finishedAt: string;
  collectors: CollectorStatus[];
  checks: CheckResult[];
  findings: Finding[];
  suppressions: { expired: ExpiredSuppression[] };
  summary: {
    findings: number;
    suppressed: number;
    bySeverity: Record<Severity, number>;
    checks: Record<CheckResult['status'], number>;
  };
}
