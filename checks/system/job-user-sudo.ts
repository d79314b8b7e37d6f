import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { JobUser, SudoRule } from '../../collectors/system/types.js';
import { describeJobUser, jobUserFindings, listSome, RUNNER_SECURITY_URL } from './common.js';

/** Does a sudoers principal list name this account (directly, by group, by id, or ALL), not negated? */
export function ruleApplies(rule: SudoRule, user: JobUser): boolean {
  const matches = (principal: string): boolean => {
    if (principal === 'ALL' || principal === user.name) return true;
    if (user.uid !== null && principal === `#${user.uid}`) return true;
    if (principal.startsWith('%#')) return user.gids.includes(Number(principal.slice(2)));
    if (principal.startsWith('%')) return user.groups.includes(principal.slice(1));
    return false;
  };
  if (rule.principals.some((p) => p.startsWith('!') && matches(p.slice(1)))) return false;
  return rule.principals.some((p) => !p.startsWith('!') && matches(p));
}

/** ALL without a password is root for any job; a password a job cannot know, or a short command list, is less. */
function severityOf(rule: SudoRule): Severity {
  if (rule.allCommands) return rule.nopasswd ? 'critical' : 'high';
  return rule.nopasswd ? 'high' : 'medium';
}

export const jobUserSudo = defineCheck({
  meta: {
    id: 'job-user-sudo',
    title: 'Job user has sudo rights',
    severity: 'critical',
    category: 'host-access',
    rationale:
      'Shell jobs run as the job user. A sudoers rule for that account, its groups or ALL lets job code run commands as root: with NOPASSWD and ALL, any job owns the host; even a short command list is often enough to escalate.',
    remediation: 'Remove the sudoers rules that name the job user, its groups (%sudo, %wheel...) or ALL; keep the account out of admin groups.',
    gitlabSection: 'shell-executor',
    references: [{ title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL }],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    return findingsOrPass(
      jobUserFindings(system, (user) =>
        system.sudo.rules
          .filter((rule) => ruleApplies(rule, user))
          .map((rule) => ({
            key: rule.source,
            message: `${describeJobUser(user)} may run ${rule.allCommands ? 'any command' : listSome(rule.commands)} as ${rule.runAs.length > 0 ? rule.runAs.join(', ') : 'root'} through sudo${rule.nopasswd ? ' without a password' : ''}`,
            evidence: `${rule.source}: ${rule.principals.join(', ')} = (${rule.runAs.join(', ') || 'root'}) ${rule.nopasswd ? 'NOPASSWD: ' : ''}${listSome(rule.commands)}`,
            severity: severityOf(rule),
            remediation: `Remove or narrow the rule at ${rule.source}${rule.principals.some((p) => p.startsWith('%')) ? ` (or take ${user.name} out of the group it names)` : ''}.`,
          })),
      ),
    );
  },
});
