import type { Suppression } from './finding.js';
import type { ExpiredSuppression } from './result.js';

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}

export interface SuppressionMatcher {
  match(checkId: string, subjectId: string): Suppression | undefined;
  expired: ExpiredSuppression[];
}

/**
 * Splits suppressions into active and expired as of `day` (YYYY-MM-DD, the scan's day, so a
 * replayed snapshot is judged as it was). A suppression is active through its expiry day.
 */
export function suppressionMatcher(suppressions: readonly Suppression[], day: string): SuppressionMatcher {
  const active: { rule: Suppression; pattern: RegExp }[] = [];
  const expired: ExpiredSuppression[] = [];
  for (const rule of suppressions) {
    if (rule.expires && rule.expires < day) {
      expired.push({ ...rule, note: `expired on ${rule.expires}; its findings are reported again` });
    } else {
      active.push({ rule, pattern: globToRegExp(rule.subject) });
    }
  }
  return {
    expired,
    match: (checkId, subjectId) => active.find((a) => a.rule.check === checkId && a.pattern.test(subjectId))?.rule,
  };
}
