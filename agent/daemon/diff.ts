import { createHash, randomUUID } from 'node:crypto';
import type { Subject } from '../core/check.js';
import type { Finding } from '../core/finding.js';
import type { ScanResult } from '../core/result.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { stableHash } from '../lib/fingerprint.js';
import { baseEvent, runnerOf, type EventOrigin, type FindingEvent, type FindingEventName, type SummaryEvent } from './events.js';

/** What the agent remembers of one finding between scans. */
export interface TrackedFinding {
  checkId: string;
  title: string;
  severity: Severity;
  status: 'open' | 'suppressed';
  subject: { kind: Subject['kind']; id: string };
  runner: FindingEvent['runner'];
}

/** The differential state kept in the state dir: the findings as of the last scan. */
export interface DiffState {
  version: 1;
  /** Counts scans; part of each finding event's id, so a scan replayed after a crash produces the same ids. */
  generation: number;
  findings: Record<string, TrackedFinding>;
}

export interface DiffOutcome {
  findingEvents: FindingEvent[];
  summary: SummaryEvent;
  next: DiffState;
}

function track(finding: Finding): TrackedFinding {
  return {
    checkId: finding.checkId,
    title: finding.title,
    severity: finding.severity,
    status: finding.suppressed ? 'suppressed' : 'open',
    subject: { kind: finding.subject.kind, id: finding.subject.id },
    runner: runnerOf(finding.runner),
  };
}

/** sha256 of the sorted fingerprints of open findings, newline-separated (empty set: hash of ""). */
export function openSetHash(findings: Record<string, TrackedFinding>): string {
  const open = Object.keys(findings)
    .filter((fingerprint) => findings[fingerprint]?.status === 'open')
    .sort();
  return createHash('sha256').update(open.join('\n')).digest('hex');
}

/**
 * Compares a scan with the previous state. `previous === null` means the state was lost (or this
 * is the first scan): every finding is sent again, flagged `full_resend`. Findings of checks that
 * did not run to a verdict this time (error, or not selected) are carried over unchanged, so a
 * collector failure never looks like a fix.
 */
export function diffScan(previous: DiffState | null, result: ScanResult, origin: EventOrigin, now = new Date()): DiffOutcome {
  const generation = (previous?.generation ?? 0) + 1;
  const fullResend = previous === null;
  const before = previous?.findings ?? {};
  const judged = new Set(result.checks.filter((check) => check.status !== 'error').map((check) => check.id));
  const next: Record<string, TrackedFinding> = {};
  const events: FindingEvent[] = [];

  const emit = (name: FindingEventName, fingerprint: string, tracked: TrackedFinding, message: string, reason?: string): void => {
    const id = stableHash(origin.hostId, String(generation), name, fingerprint);
    events.push({
      ...baseEvent(origin, name, message, id, now),
      event: name,
      check_id: tracked.checkId,
      title: tracked.title,
      severity: tracked.severity,
      subject: tracked.subject,
      runner: tracked.runner,
      fingerprint,
      full_resend: fullResend,
      ...(reason !== undefined ? { reason } : {}),
    });
  };

  for (const finding of result.findings) {
    const current = track(finding);
    next[finding.fingerprint] = current;
    if (before[finding.fingerprint]?.status === current.status) continue;
    if (current.status === 'open') emit('finding.opened', finding.fingerprint, current, finding.message);
    else emit('finding.suppressed', finding.fingerprint, current, finding.message, finding.suppressed?.reason ?? '');
  }
  for (const [fingerprint, tracked] of Object.entries(before)) {
    if (next[fingerprint]) continue;
    if (!judged.has(tracked.checkId)) {
      next[fingerprint] = tracked;
      continue;
    }
    emit('finding.resolved', fingerprint, tracked, `resolved: ${tracked.title} (${tracked.subject.id})`);
  }

  const openBySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  let open = 0;
  let suppressed = 0;
  for (const tracked of Object.values(next)) {
    if (tracked.status === 'open') {
      open += 1;
      openBySeverity[tracked.severity] += 1;
    } else suppressed += 1;
  }
  const count = (name: FindingEventName): number => events.filter((event) => event.event === name).length;
  const checks = { pass: 0, fail: 0, 'not-applicable': 0, error: 0 };
  for (const check of result.checks) checks[check.status] += 1;
  const summary: SummaryEvent = {
    ...baseEvent(origin, 'scan.summary', `scan done: ${open} open, ${count('finding.opened')} opened, ${count('finding.resolved')} resolved`, randomUUID(), now),
    event: 'scan.summary',
    scan_id: stableHash(origin.hostId, String(generation), result.startedAt),
    duration_ms: Math.max(0, Date.parse(result.finishedAt) - Date.parse(result.startedAt)) || 0,
    full_resend: fullResend,
    counts: {
      open,
      suppressed,
      opened: count('finding.opened'),
      resolved: count('finding.resolved'),
      newly_suppressed: count('finding.suppressed'),
      open_by_severity: openBySeverity,
    },
    open_set_hash: openSetHash(next),
    checks,
    collectors_failed: result.collectors.filter((collector) => collector.status === 'error').map((collector) => collector.name),
  };
  return { findingEvents: events, summary, next: { version: 1, generation, findings: next } };
}
