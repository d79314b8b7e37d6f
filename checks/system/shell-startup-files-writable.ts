import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { describeJobUser, listSome, noShellRunner, SHELL_EXECUTOR_REFERENCES, shellJobUsers, soleRunner } from './common.js';

export const shellStartupFilesWritable = defineCheck({
  meta: {
    id: 'shell-startup-files-writable',
    title: 'Jobs can change the job user\'s shell startup files',
    severity: 'medium',
    category: 'host-access',
    rationale:
      'The shell executor starts every job with a login shell (bash -l) as the job user, so ~/.bash_profile, ~/.profile and what they source run before each job. A job that writes them runs code in every later job of every project on the runner; ~/.bash_logout runs after each one.',
    remediation: 'Make the job user\'s home and startup files root-owned and read-only for the account (or remove them), and prefer ephemeral executors.',
    gitlabSection: 'shell-executor',
    references: SHELL_EXECUTOR_REFERENCES,
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    const shellUsers = shellJobUsers(system);
    if (shellUsers.length === 0) return noShellRunner();
    return findingsOrPass(
      shellUsers.flatMap((user) => {
        const files = system.startupFiles.filter((f) => f.user === user.name && f.writableBy.includes(user.name));
        if (files.length === 0) return [];
        const existing = files.filter((f) => f.exists).map((f) => f.path);
        const creatable = files.filter((f) => !f.exists).map((f) => f.path);
        return [
          {
            subject: { kind: 'user' as const, id: user.name },
            message: `shell jobs of ${describeJobUser(user)} can change the startup files that run at the start or end of every later job`,
            evidence: [existing.length > 0 ? `writable: ${listSome(existing, 5)}` : '', creatable.length > 0 ? `creatable: ${listSome(creatable, 5)}` : ''].filter(Boolean).join('; '),
            // One runner's jobs reaching another runner's jobs is worse than a single runner's.
            severity: user.runners.length > 1 ? ('high' as const) : ('medium' as const),
            remediation: `chown root the startup files in ${user.home ?? `~${user.name}`} (and the home itself if jobs need not write there), chmod 644 them.`,
            ...soleRunner(system, user),
          },
        ];
      }),
    );
  },
});
