import { randomUUID } from 'node:crypto';
import type { Level } from 'pino';
import type { RunnerRef, Subject } from '../core/check.js';
import type { Severity } from '../core/severity.js';
import { TOOL_VERSION } from '../core/version.js';
import { safeText } from '../lib/sanitize.js';

/** Version of the event schema (docs/events.md). Bumped on any incompatible change. */
export const EVENT_SCHEMA = 'runner-warden.event/1';

export type FindingEventName = 'finding.opened' | 'finding.resolved' | 'finding.suppressed';
export type AgentEventName =
  | 'scan.summary'
  | 'scan.failed'
  | 'scan.delayed'
  | 'schedule.warning'
  | 'spool.loss'
  | 'spool.recovered'
  | 'spool.error'
  | 'ship.failed'
  | 'ship.rejected'
  | 'agent.started'
  | 'agent.stopping'
  | 'config.reloaded'
  | 'config.rejected';
export type EventName = FindingEventName | AgentEventName;

/** Events that go to the receiver as well as to the log; the rest are operational log lines only. */
const SHIPPED: ReadonlySet<EventName> = new Set<EventName>([
  'finding.opened',
  'finding.resolved',
  'finding.suppressed',
  'scan.summary',
  'scan.failed',
  'spool.loss',
  'agent.started',
]);

export interface EventBase {
  schema: typeof EVENT_SCHEMA;
  /** Idempotency key: the receiver keeps the first event with a given id and drops the rest. */
  event_id: string;
  event: EventName;
  time: string;
  host: string;
  host_id: string;
  agent_version: string;
  message: string;
}

export interface FindingEvent extends EventBase {
  event: FindingEventName;
  check_id: string;
  title: string;
  severity: Severity;
  subject: { kind: Subject['kind']; id: string };
  runner: { name: string; id: string | null } | null;
  fingerprint: string;
  /** True when the agent lost its state and re-sends everything it sees (one scan). */
  full_resend: boolean;
  /** Suppression reason (finding.suppressed only). */
  reason?: string;
}

export interface SummaryEvent extends EventBase {
  event: 'scan.summary';
  scan_id: string;
  duration_ms: number;
  full_resend: boolean;
  counts: {
    open: number;
    suppressed: number;
    opened: number;
    resolved: number;
    newly_suppressed: number;
    open_by_severity: Record<Severity, number>;
  };
  /** sha256 (hex) of the sorted fingerprints of open findings, one per line: a receiver recomputes it to detect drift. */
  open_set_hash: string;
  checks: Record<'pass' | 'fail' | 'not-applicable' | 'error', number>;
  collectors_failed: string[];
}

export interface AgentEvent extends EventBase {
  event: Exclude<AgentEventName, 'scan.summary'>;
  [detail: string]: unknown;
}

export type WardenEvent = FindingEvent | SummaryEvent | AgentEvent;

export interface EventOrigin {
  host: string;
  hostId: string;
}

export function isShipped(event: WardenEvent): boolean {
  return SHIPPED.has(event.event);
}

/**
 * Log level of an event. An opened finding takes its severity's level, so a pipeline can alert
 * on the level alone: critical=fatal(60), high=error(50), medium=warn(40), low and info=info(30).
 * Agent trouble (a killed scan, lost events, a rejected config) is error; ship.failed and
 * scan.delayed are warn.
 */
export function eventLevel(event: WardenEvent): Level {
  switch (event.event) {
    case 'finding.opened':
      return ({ critical: 'fatal', high: 'error', medium: 'warn', low: 'info', info: 'info' } as const)[event.severity];
    case 'scan.failed':
    case 'spool.loss':
    case 'config.rejected':
    case 'spool.error':
    case 'ship.rejected':
      return 'error';
    case 'ship.failed':
    case 'scan.delayed':
    case 'schedule.warning':
    case 'spool.recovered':
      return 'warn';
    default:
      return 'info';
  }
}

export function baseEvent<E extends EventName>(origin: EventOrigin, event: E, message: string, id: string = randomUUID(), time = new Date()): EventBase & { event: E } {
  return {
    schema: EVENT_SCHEMA,
    event_id: id,
    event,
    time: time.toISOString(),
    host: safeText(origin.host, 253),
    host_id: origin.hostId,
    agent_version: TOOL_VERSION,
    message: safeText(message, 500),
  };
}

/** An operational event (scan.failed, spool.loss, agent.started, ...) with free-form, already safe details. */
export function agentEvent(origin: EventOrigin, event: AgentEvent['event'], message: string, details: Record<string, unknown> = {}): AgentEvent {
  return { ...details, ...baseEvent(origin, event, message) };
}

export function runnerOf(runner: RunnerRef | undefined | null): FindingEvent['runner'] {
  return runner ? { name: runner.name, id: runner.id } : null;
}
