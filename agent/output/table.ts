import type { Finding } from '../core/finding.js';
import type { ScanResult } from '../core/result.js';
import { SEVERITIES, type Severity } from '../core/severity.js';

export interface TableOptions {
  color: boolean;
  verbose: boolean;
}

const SEVERITY_COLOR: Record<Severity, string> = { critical: '1;31', high: '31', medium: '33', low: '36', info: '2' };

function painter(enabled: boolean) {
  return (code: string, text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
}

function subjectLine(finding: Finding): string {
  const subject = `${finding.subject.kind} ${finding.subject.label ?? finding.subject.id}`;
  const runner = finding.runner && finding.subject.kind !== 'runner' ? ` · runner "${finding.runner.name}"` : '';
  const config = finding.runner?.configPath && finding.subject.kind === 'runner' ? ` (${finding.runner.configPath})` : '';
  return `${subject}${config}${runner}`;
}

function renderFinding(finding: Finding, options: TableOptions, paint: ReturnType<typeof painter>): string[] {
  const mark = finding.suppressed ? paint('2', '~') : paint(SEVERITY_COLOR[finding.severity], '✗');
  const lines = [`  ${mark} ${paint('1', finding.checkId)}  ${subjectLine(finding)}`, `      ${finding.message}`, `      fix: ${finding.remediation}`];
  if (finding.suppressed) lines.push(`      suppressed: ${finding.suppressed.reason}${finding.suppressed.expires ? ` (until ${finding.suppressed.expires})` : ''}`);
  if (options.verbose) {
    lines.push(`      evidence: ${finding.evidence}`);
    lines.push(`      why: ${finding.rationale}`);
    lines.push(`      GitLab: ${finding.gitlabSection.title} <${finding.gitlabSection.url}>`);
    for (const ref of finding.references) lines.push(`      see: ${ref.title} <${ref.url}>`);
    lines.push(`      fingerprint: ${finding.fingerprint}`);
  }
  return lines;
}

function seconds(result: ScanResult): string {
  const ms = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '?';
}

/** Human report: findings grouped by severity, each with subject and a one-line fix, then a summary. */
export function renderTable(result: ScanResult, options: TableOptions): string {
  const paint = painter(options.color);
  const out: string[] = [];
  out.push(paint('1', `runner-warden ${result.tool.version} · host ${result.host.hostname} · root ${result.root} · ${result.startedAt} (${seconds(result)})`));
  out.push('');
  const active = result.findings.filter((f) => !f.suppressed);
  for (const severity of SEVERITIES) {
    const group = active.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(paint(SEVERITY_COLOR[severity], `${severity.toUpperCase()} (${group.length})`));
    for (const finding of group) out.push(...renderFinding(finding, options, paint));
    out.push('');
  }
  if (active.length === 0) out.push('No findings.', '');
  const suppressed = result.findings.filter((f) => f.suppressed);
  if (suppressed.length > 0 && options.verbose) {
    out.push(paint('2', `SUPPRESSED (${suppressed.length})`));
    for (const finding of suppressed) out.push(...renderFinding(finding, options, paint));
    out.push('');
  }
  for (const expired of result.suppressions.expired) out.push(paint('33', `! suppression of ${expired.check} (${expired.subject}) ${expired.note}`));
  const failed = result.collectors.filter((c) => c.status === 'error');
  for (const collector of failed) out.push(paint('33', `! collector ${collector.name} failed: ${collector.message ?? 'error'}`));
  const erroredChecks = result.checks.filter((c) => c.status === 'error');
  if (options.verbose) for (const check of erroredChecks) out.push(paint('33', `! check ${check.id}: ${check.reason ?? 'error'}`));
  if (failed.length > 0 || result.suppressions.expired.length > 0 || (options.verbose && erroredChecks.length > 0)) out.push('');
  const counts = SEVERITIES.filter((s) => result.summary.bySeverity[s] > 0).map((s) => `${result.summary.bySeverity[s]} ${s}`);
  const c = result.summary.checks;
  out.push(
    `Summary: ${result.summary.findings} finding${result.summary.findings === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}` +
      `, ${result.summary.suppressed} suppressed · checks: ${c.pass} pass, ${c.fail} fail, ${c['not-applicable']} not applicable, ${c.error} error` +
      ` · collectors: ${result.collectors.map((col) => `${col.name} ${col.status} ${col.durationMs} ms`).join(', ')}`,
  );
  return `${out.join('\n')}\n`;
}
