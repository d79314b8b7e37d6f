import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { WorkingCopy } from '../../collectors/system/types.js';
import { listSome, RUNNER_SECURITY_URL } from './common.js';

/** A job token dies with its job; anything else (PATs, deploy tokens, passwords, headers) may still work. */
function longLived(copy: WorkingCopy): boolean {
  return copy.credentials.some((c) => c.kind !== 'job-token');
}

export const leftoverBuildCredentials = defineCheck({
  meta: {
    id: 'leftover-build-credentials',
    title: 'Credentials left in working copies',
    severity: 'high',
    category: 'secrets',
    rationale:
      'Git writes a clone URL with a token into .git/config in plain text. Working copies left in a builds directory keep those URLs (and insteadOf rules or Authorization headers) for every later job to read. A job token expires with its job; personal, project or deploy tokens and passwords do not.',
    remediation: 'Enable FF_GIT_URLS_WITHOUT_TOKENS and clean_git_config = true, pin FF_ENABLE_JOB_CLEANUP = true, never put long-lived tokens in remote URLs, and revoke the tokens found.',
    gitlabSection: 'git-cleanup',
    references: [
      { title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL },
      { title: 'Cleaning Git configuration', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/' },
    ],
    requires: ['system'],
  },
  evaluate(facts) {
    return findingsOrPass(
      facts.domains.system.buildDirs
        .filter((dir) => dir.withCredentials > 0)
        .map((dir) => {
          const withCredentials = dir.workingCopies.filter((c) => c.credentials.length > 0);
          const lasting = withCredentials.filter(longLived);
          const kinds = [...new Set(withCredentials.flatMap((c) => c.credentials.map((k) => k.kind)))];
          return {
            subject: { kind: 'path' as const, id: dir.path },
            message: `${dir.withCredentials} working cop${dir.withCredentials === 1 ? 'y' : 'ies'} in ${dir.path} keep credentials in .git/config (${kinds.join(', ')})${lasting.length > 0 ? '' : ': job tokens only, expired once their jobs ended'}`,
            evidence: listSome(withCredentials.map((c) => `${c.path}: ${c.credentials.map((k) => `${k.kind} ${k.fingerprint}`).join(', ')}`)),
            severity: lasting.length > 0 ? ('high' as const) : ('low' as const),
            remediation: `Remove the credentials from ${dir.path} (or the stale working copies), revoke any long-lived token found, and enable FF_GIT_URLS_WITHOUT_TOKENS and clean_git_config = true.`,
          };
        }),
    );
  },
});
