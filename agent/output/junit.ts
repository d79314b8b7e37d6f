import type { CheckResult, Finding } from '../core/finding.js';
import type { ScanResult } from '../core/result.js';

// XML 1.0 forbids most control characters even when escaped; findings are already sanitised,
// but check titles and reasons pass through here too.
function xml(text: string): string {
  return text
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function findingText(finding: Finding): string {
  const lines = [
    `[${finding.severity}] ${finding.subject.kind} ${finding.subject.label ?? finding.subject.id}: ${finding.message}`,
    `  evidence: ${finding.evidence}`,
    `  fix: ${finding.remediation}`,
  ];
  if (finding.runner) lines.push(`  runner: ${finding.runner.name}${finding.runner.configPath ? ` (${finding.runner.configPath})` : ''}`);
  return lines.join('\n');
}

function testcase(check: CheckResult, findings: Finding[]): string {
  const head = `    <testcase classname="runner-warden.${xml(check.category)}" name="${xml(`${check.id}: ${check.title}`)}" time="0">`;
  if (check.status === 'fail') {
    const active = findings.filter((f) => !f.suppressed);
    if (active.length === 0) return `${head}\n      <system-out>${xml(`${findings.length} suppressed finding(s)`)}</system-out>\n    </testcase>`;
    const worst = active[0]?.severity ?? check.severity;
    const message = `${active.length} finding(s), worst ${worst}`;
    return `${head}\n      <failure type="${xml(worst)}" message="${xml(message)}">${xml(active.map(findingText).join('\n\n'))}</failure>\n    </testcase>`;
  }
  if (check.status === 'error') return `${head}\n      <error type="error" message="${xml(check.reason ?? 'error')}"/>\n    </testcase>`;
  if (check.status === 'not-applicable') return `${head}\n      <skipped message="${xml(check.reason ?? 'not applicable')}"/>\n    </testcase>`;
  return `    <testcase classname="runner-warden.${xml(check.category)}" name="${xml(`${check.id}: ${check.title}`)}" time="0"/>`;
}

/** JUnit XML as GitLab's unit test report reads it: one testcase per check, failures carry the findings. */
export function renderJunit(result: ScanResult): string {
  const byCheck = new Map<string, Finding[]>();
  for (const finding of result.findings) byCheck.set(finding.checkId, [...(byCheck.get(finding.checkId) ?? []), finding]);
  const failures = result.checks.filter((c) => c.status === 'fail' && (byCheck.get(c.id) ?? []).some((f) => !f.suppressed)).length;
  const errors = result.checks.filter((c) => c.status === 'error').length;
  const skipped = result.checks.filter((c) => c.status === 'not-applicable').length;
  const name = xml(`runner-warden ${result.host.hostname}`);
  const cases = result.checks.map((check) => testcase(check, byCheck.get(check.id) ?? []));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="runner-warden" tests="${result.checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    `  <testsuite name="${name}" tests="${result.checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${xml(result.startedAt)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
