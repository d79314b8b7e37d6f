import type { Category, Reference, RunnerRef, Subject } from './check.js';
import type { GitLabSection } from './gitlab-sections.js';
import type { Severity } from './severity.js';

export interface Suppression {
  check: string;
  /** Glob over the subject id (`*` any run of characters, `?` one). */
  subject: string;
  reason: string;
  /** YYYY-MM-DD; the suppression stops working after this day. */
  expires?: string;
}

export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  category: Category;
  subject: Subject;
  message: string;
  evidence: string;
  remediation: string;
  rationale: string;
  gitlabSection: { id: GitLabSection; title: string; url: string };
  references: Reference[];
  runner?: RunnerRef;
  /** Same problem on the same subject of the same host gives the same fingerprint in every scan. */
  fingerprint: string;
  suppressed?: { reason: string; expires?: string };
}

export type CheckStatus = 'pass' | 'fail' | 'not-applicable' | 'error';

export interface CheckResult {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  status: CheckStatus;
  reason?: string;
  findings: number;
}
