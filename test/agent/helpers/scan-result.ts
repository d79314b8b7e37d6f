import type { CheckResult, Finding } from '../../../agent/core/finding.js';
import type { ScanResult } from '../../../agent/core/result.js';

/** Builders of ScanResults with chosen findings (for the differential logic and the fake scan child). */
export function finding(fingerprint: string, checkId: string, severity: Finding['severity'] = 'high', suppressed?: Finding['suppressed']): Finding {
  return {
    checkId,
    title: `title of ${checkId}`,
    severity,
    category: 'container-isolation' as Finding['category'],
    subject: { kind: 'runner', id: `subject-${fingerprint}` },
    message: `problem ${fingerprint}`,
    evidence: '',
    remediation: '',
    rationale: '',
    gitlabSection: { id: 'docker-executor' as Finding['gitlabSection']['id'], title: '', url: '' },
    references: [],
    runner: { name: 'r1', id: 'fp1:abcdef0123456789' },
    fingerprint,
    ...(suppressed ? { suppressed } : {}),
  };
}

export function result(findings: Finding[], checks: Array<[string, CheckResult['status']]>): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: 'runner-warden', version: '0.1.0' },
    host: { hostname: 'runner-07', machineId: null },
    root: '/',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.500Z',
    collectors: [{ name: 'docker', provides: 'docker', status: 'ok', durationMs: 1 }],
    checks: checks.map(([id, status]) => ({ id, title: id, severity: 'high', category: 'container-isolation' as CheckResult['category'], status, findings: 0 })),
    findings,
    suppressions: { expired: [] },
    summary: { findings: 0, suppressed: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, checks: { pass: 0, fail: 0, 'not-applicable': 0, error: 0 } },
  };
}

