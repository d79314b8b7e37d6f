import type { Check } from '../core/check.js';
import type { Finding } from '../core/finding.js';
import { GITLAB_SECTIONS, gitlabSectionUrl } from '../core/gitlab-sections.js';
import type { ScanResult } from '../core/result.js';
import type { Severity } from '../core/severity.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
// GitHub/GitLab code-scanning UIs rank by this CVSS-like score.
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

function rule(check: Check) {
  const { meta } = check;
  const section = GITLAB_SECTIONS[meta.gitlabSection];
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    help: {
      text: `${meta.remediation}\n\nGitLab: ${section.title} (${gitlabSectionUrl(meta.gitlabSection)})`,
      markdown: `${meta.remediation}\n\nGitLab: [${section.title}](${gitlabSectionUrl(meta.gitlabSection)})`,
    },
    helpUri: gitlabSectionUrl(meta.gitlabSection),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { category: meta.category, severity: meta.severity, 'security-severity': SECURITY_SEVERITY[meta.severity], tags: ['security', meta.category] },
  };
}

function location(finding: Finding) {
  const file = finding.subject.kind === 'path' ? finding.subject.id : finding.runner?.configPath;
  const logical = [{ name: finding.subject.label ?? finding.subject.id, fullyQualifiedName: `${finding.subject.kind}:${finding.subject.id}`, kind: finding.subject.kind }];
  return file?.startsWith('/')
    ? { physicalLocation: { artifactLocation: { uri: `file://${encodeURI(file)}` } }, logicalLocations: logical }
    : { logicalLocations: logical };
}

/** SARIF 2.1.0: one rule per check in the catalog, one result per finding (suppressed ones carry suppressions). */
export function renderSarif(result: ScanResult, catalog: readonly Check[]): string {
  const rules = catalog.map(rule);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = result.findings.map((finding) => ({
    ruleId: finding.checkId,
    ruleIndex: index.get(finding.checkId) ?? -1,
    level: LEVEL[finding.severity],
    message: { text: `${finding.message} Evidence: ${finding.evidence}. Fix: ${finding.remediation}` },
    locations: [location(finding)],
    partialFingerprints: { 'runnerWarden/v1': finding.fingerprint },
    ...(finding.suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: finding.suppressed.reason }] } : {}),
    properties: {
      severity: finding.severity,
      'security-severity': SECURITY_SEVERITY[finding.severity],
      subject: finding.subject,
      evidence: finding.evidence,
      ...(finding.runner ? { runner: finding.runner } : {}),
    },
  }));
  const notifications = [
    ...result.collectors
      .filter((c) => c.status === 'error')
      .map((c) => ({ level: 'error', message: { text: `collector ${c.name} failed: ${c.message ?? 'error'}` } })),
    ...result.suppressions.expired.map((s) => ({ level: 'warning', message: { text: `suppression of ${s.check} (${s.subject}) ${s.note}` } })),
  ];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'runner-warden', version: result.tool.version, semanticVersion: result.tool.version, informationUri: 'https://docs.gitlab.com/runner/security/', rules } },
        invocations: [
          {
            executionSuccessful: result.collectors.every((c) => c.status !== 'error'),
            startTimeUtc: result.startedAt,
            endTimeUtc: result.finishedAt,
            machine: result.host.hostname,
            toolExecutionNotifications: notifications,
          },
        ],
        results: results.filter((r) => r.ruleIndex >= 0).map((r) => r),
        properties: { host: result.host, root: result.root },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
