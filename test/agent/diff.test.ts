import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../agent/core/finding.js';
import { diffScan } from '../../agent/daemon/diff.js';
import { eventLevel } from '../../agent/daemon/events.js';
import { finding, result } from './helpers/scan-result.js';

const origin = { host: 'runner-07', hostId: '11111111-2222-3333-4444-555555555555' };

const names = (events: Array<{ event: string; fingerprint: string }>): string[] => events.map((event) => `${event.event}:${event.fingerprint}`).sort();

describe('differential results', () => {
  it('first scan (no state) sends everything once, flagged as a full resend', () => {
    const out = diffScan(null, result([finding('f1', 'c-a'), finding('f2', 'c-b', 'low', { reason: 'accepted risk' })], [['c-a', 'fail'], ['c-b', 'fail']]), origin);
    expect(names(out.findingEvents)).toEqual(['finding.opened:f1', 'finding.suppressed:f2']);
    expect(out.findingEvents.every((event) => event.full_resend)).toBe(true);
    expect(out.summary.full_resend).toBe(true);
    expect(out.findingEvents.find((event) => event.event === 'finding.suppressed')?.reason).toBe('accepted risk');
  });

  it('an unchanged scan after a restart (state kept) re-opens nothing', () => {
    const scan = result([finding('f1', 'c-a')], [['c-a', 'fail']]);
    const first = diffScan(null, scan, origin);
    const restored = JSON.parse(JSON.stringify(first.next));
    const second = diffScan(restored, scan, origin);
    expect(second.findingEvents).toEqual([]);
    expect(second.summary.counts).toMatchObject({ open: 1, opened: 0, resolved: 0 });
    expect(second.summary.full_resend).toBe(false);
  });

  it('emits resolved when a finding goes away, suppressed when it gets suppressed, opened when the suppression ends', () => {
    const s1 = diffScan(null, result([finding('f1', 'c-a'), finding('f2', 'c-a'), finding('f3', 'c-b')], [['c-a', 'fail'], ['c-b', 'fail']]), origin);
    const s2 = diffScan(s1.next, result([finding('f2', 'c-a'), finding('f3', 'c-b', 'high', { reason: 'ok' })], [['c-a', 'fail'], ['c-b', 'fail']]), origin);
    expect(names(s2.findingEvents)).toEqual(['finding.resolved:f1', 'finding.suppressed:f3']);
    const s3 = diffScan(s2.next, result([finding('f2', 'c-a'), finding('f3', 'c-b')], [['c-a', 'fail'], ['c-b', 'fail']]), origin);
    expect(names(s3.findingEvents)).toEqual(['finding.opened:f3']);
    expect(s3.summary.counts).toMatchObject({ open: 2, suppressed: 0, opened: 1 });
  });

  it('a check that errored does not resolve its findings (a collector failure is not a fix)', () => {
    const s1 = diffScan(null, result([finding('f1', 'c-a')], [['c-a', 'fail']]), origin);
    const s2 = diffScan(s1.next, result([], [['c-a', 'error']]), origin);
    expect(s2.findingEvents).toEqual([]);
    expect(s2.summary.counts.open).toBe(1);
    const s3 = diffScan(s2.next, result([], [['c-a', 'pass']]), origin);
    expect(names(s3.findingEvents)).toEqual(['finding.resolved:f1']);
  });

  it('replaying a scan from the same state gives the same event ids (so the receiver drops the copies)', () => {
    const s1 = diffScan(null, result([finding('f1', 'c-a')], [['c-a', 'fail']]), origin);
    const scan = result([finding('f9', 'c-a')], [['c-a', 'fail']]);
    const a = diffScan(s1.next, scan, origin);
    const b = diffScan(s1.next, scan, origin);
    expect(a.findingEvents.map((event) => event.event_id)).toEqual(b.findingEvents.map((event) => event.event_id));
    const later = diffScan(a.next, result([finding('f1', 'c-a')], [['c-a', 'fail']]), origin);
    expect(later.findingEvents.map((event) => event.event_id)).not.toContain(s1.findingEvents[0]?.event_id);
  });

  it('summary carries counts and the integrity hash of the open set', () => {
    const out = diffScan(null, result([finding('f2', 'c-a', 'critical'), finding('f1', 'c-a', 'medium'), finding('f3', 'c-a', 'low', { reason: 'x' })], [['c-a', 'fail']]), origin);
    expect(out.summary.counts.open_by_severity).toEqual({ critical: 1, high: 0, medium: 1, low: 0, info: 0 });
    expect(out.summary.open_set_hash).toBe(createHash('sha256').update('f1\nf2').digest('hex'));
    expect(out.summary.duration_ms).toBe(1500);
  });

  it('maps severity to log levels so a pipeline can alert on the level alone', () => {
    const out = diffScan(null, result(['critical', 'high', 'medium', 'low', 'info'].map((severity, i) => finding(`f${i}`, 'c-a', severity as Finding['severity'])), [['c-a', 'fail']]), origin);
    expect(out.findingEvents.map((event) => [event.severity, eventLevel(event)])).toEqual([
      ['critical', 'fatal'],
      ['high', 'error'],
      ['medium', 'warn'],
      ['low', 'info'],
      ['info', 'info'],
    ]);
  });
});
