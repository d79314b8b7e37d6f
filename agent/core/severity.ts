/** Severities, most severe first. The order is what `--fail-on` and the table rely on. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Lower rank = more severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** True when `severity` is `threshold` or worse. */
export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) <= severityRank(threshold);
}

/** One step up (contextual escalation, e.g. a risky setting combined with privileged mode). */
export function escalate(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(severity) - 1)] ?? severity;
}
