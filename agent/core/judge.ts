import { stableHash } from '../lib/fingerprint.js';
import { safeErrorMessage, safeText } from '../lib/sanitize.js';
import type { Check, CheckOutcome, FactsWith, FindingDraft } from './check.js';
import type { Facts, FactDomain } from './facts.js';
import type { CheckResult, Finding, Suppression } from './finding.js';
import { GITLAB_SECTIONS, gitlabSectionUrl } from './gitlab-sections.js';
import type { ScanResult } from './result.js';
import { SEVERITIES, severityRank, type Severity } from './severity.js';
import { suppressionMatcher } from './suppress.js';

/** Checks chosen by --only / --skip: each entry is a check id or a category. */
export function selectChecks(checks: readonly Check[], only: readonly string[], skip: readonly string[]): Check[] {
  const hits = (check: Check, names: readonly string[]) => names.includes(check.meta.id) || names.includes(check.meta.category);
  return checks.filter((c) => (only.length === 0 || hits(c, only)) && !hits(c, skip));
}

function missingDomain(facts: Facts, requires: readonly FactDomain[]): CheckOutcome | null {
  for (const domain of requires) {
    if (facts.domains[domain] !== undefined) continue;
    const collector = facts.collectors.find((c) => c.provides === domain);
    if (collector?.status === 'skipped') return { status: 'not-applicable', reason: `${domain} facts were not collected: ${collector.message ?? 'skipped'}` };
    const why = collector?.message ? `: ${collector.message}` : '';
    return { status: 'error', reason: `${domain} facts could not be collected${why}` };
  }
  return null;
}

function evaluate(check: Check, facts: Facts): CheckOutcome {
  const missing = missingDomain(facts, check.meta.requires);
  if (missing) return missing;
  try {
    return check.evaluate(facts as FactsWith<FactDomain>);
  } catch (error) {
    return { status: 'error', reason: `check failed: ${safeErrorMessage(error)}` };
  }
}

function toFinding(check: Check, draft: FindingDraft, hostKey: string): Finding {
  const { meta } = check;
  const finding: Finding = {
    checkId: meta.id,
    title: meta.title,
    severity: draft.severity ?? meta.severity,
    category: meta.category,
    subject: {
      kind: draft.subject.kind,
      id: safeText(draft.subject.id, 500),
      ...(draft.subject.label !== undefined ? { label: safeText(draft.subject.label, 200) } : {}),
    },
    message: safeText(draft.message, 400),
    evidence: safeText(draft.evidence, 600),
    remediation: safeText(draft.remediation ?? meta.remediation, 600),
    rationale: meta.rationale,
    gitlabSection: { id: meta.gitlabSection, title: GITLAB_SECTIONS[meta.gitlabSection].title, url: gitlabSectionUrl(meta.gitlabSection) },
    references: meta.references,
    fingerprint: stableHash(hostKey, meta.id, draft.subject.kind, draft.subject.id, draft.key ?? ''),
  };
  if (draft.runner) {
    finding.runner = {
      name: safeText(draft.runner.name, 200),
      id: draft.runner.id,
      ...(draft.runner.configPath !== undefined ? { configPath: safeText(draft.runner.configPath, 500) } : {}),
    };
  }
  return finding;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.checkId.localeCompare(b.checkId) ||
    a.subject.id.localeCompare(b.subject.id) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** Judges a facts snapshot: pure, so the same facts and suppressions give the same result. */
export function judge(facts: Facts, checks: readonly Check[], suppressions: readonly Suppression[]): ScanResult {
  const hostKey = facts.host.machineId ?? facts.host.hostname;
  const matcher = suppressionMatcher(suppressions, facts.collectedAt.start.slice(0, 10));
  const findings: Finding[] = [];
  const results: CheckResult[] = [];
  for (const check of [...checks].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    const outcome = evaluate(check, facts);
    const base = { id: check.meta.id, title: check.meta.title, severity: check.meta.severity, category: check.meta.category };
    if (outcome.status !== 'fail') {
      results.push({ ...base, status: outcome.status, ...('reason' in outcome ? { reason: safeText(outcome.reason, 300) } : {}), findings: 0 });
      continue;
    }
    const own = new Map<string, Finding>();
    for (const draft of outcome.findings) {
      const finding = toFinding(check, draft, hostKey);
      const rule = matcher.match(finding.checkId, draft.subject.id);
      if (rule) finding.suppressed = { reason: safeText(rule.reason, 300), ...(rule.expires ? { expires: rule.expires } : {}) };
      own.set(finding.fingerprint, finding);
    }
    findings.push(...own.values());
    results.push({ ...base, status: own.size > 0 ? 'fail' : 'pass', findings: own.size });
  }
  findings.sort(compareFindings);
  const active = findings.filter((f) => !f.suppressed);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, active.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  return {
    schemaVersion: 1,
    tool: facts.tool,
    host: facts.host,
    root: facts.root,
    startedAt: facts.collectedAt.start,
    finishedAt: facts.collectedAt.end,
    collectors: facts.collectors,
    checks: results,
    findings,
    suppressions: { expired: matcher.expired },
    summary: {
      findings: active.length,
      suppressed: findings.length - active.length,
      bySeverity,
      checks: { pass: count('pass'), fail: count('fail'), 'not-applicable': count('not-applicable'), error: count('error') },
    },
  };
}
