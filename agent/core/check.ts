import type { DomainFacts, Facts, FactDomain } from './facts.js';
import type { GitLabSection } from './gitlab-sections.js';
import type { Severity } from './severity.js';

export const CATEGORIES = [
  'executor',
  'container-isolation',
  'images',
  'secrets',
  'runner-identity',
  'host-access',
  'build-dirs',
  'network',
  'docker-daemon',
  'maintenance',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Reference {
  title: string;
  url: string;
}

/** What a check is, as data: the catalog, `explain`, SARIF rules and docs/checks.md come from it. */
export interface CheckMeta {
  /** Stable kebab-case id; never reused for another meaning. */
  id: string;
  title: string;
  /** Default severity; a finding may raise or lower it with context (and says why). */
  severity: Severity;
  category: Category;
  /** Why it matters, in a few sentences. */
  rationale: string;
  /** How to fix it, in general; findings may carry a specific fix. */
  remediation: string;
  /** The section of GitLab's "Security for self-managed runners" page this check comes from. */
  gitlabSection: GitLabSection;
  /** Further reading (runner docs, Docker docs). */
  references: Reference[];
  /** Fact domains the check reads. If any failed to collect, the check's result is `error`. */
  requires: FactDomain[];
}

/** What on the host a finding is about. `id` must be stable across scans. */
export interface Subject {
  kind: 'runner' | 'container' | 'image' | 'volume' | 'path' | 'user' | 'group' | 'host' | 'daemon' | 'socket' | 'endpoint' | 'key';
  /** Stable identifier: config path + runner fingerprint, container name, file path, user name... */
  id: string;
  /** Human-readable label, defaults to id. */
  label?: string;
}

/** The runner a finding belongs to, when there is one. */
export interface RunnerRef {
  name: string;
  /** Token fingerprint, never the token. */
  id: string | null;
  configPath?: string;
}

/** What a check's evaluate() returns for one problem. The engine adds ids, fingerprints and metadata. */
export interface FindingDraft {
  subject: Subject;
  /** One line: what is wrong here. */
  message: string;
  /** Short, redacted facts that prove it (the setting and its value, the mount, the rule line). */
  evidence: string;
  /** Overrides the check's default severity; say why in `message`. */
  severity?: Severity;
  /** Specific fix for this subject ("set pull_policy = [\"always\"] in runner X"). */
  remediation?: string;
  runner?: RunnerRef;
  /** Extra discriminator when one subject can have several distinct findings of one check. */
  key?: string;
}

export type CheckOutcome =
  | { status: 'pass' }
  | { status: 'not-applicable'; reason: string }
  | { status: 'error'; reason: string }
  | { status: 'fail'; findings: FindingDraft[] };

/** Facts with the domains a check declared as required guaranteed present. */
export type FactsWith<D extends FactDomain> = Facts & { domains: Facts['domains'] & Pick<DomainFacts, D> };

export interface Check<D extends FactDomain = FactDomain> {
  meta: CheckMeta & { requires: D[] };
  /** Pure: reads only `facts`, never the disk, the network or the clock. */
  evaluate(facts: FactsWith<D>): CheckOutcome;
}

/** Identity helper that keeps the `requires` domains typed for evaluate(). */
export function defineCheck<D extends FactDomain>(check: Check<D>): Check<D> {
  return check;
}

/** Helper for checks: fail with findings, or pass when there are none. */
export function findingsOrPass(findings: FindingDraft[]): CheckOutcome {
  return findings.length > 0 ? { status: 'fail', findings } : { status: 'pass' };
}
