import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { RUNNER_SECURITY_URL } from './common.js';

export const sshAuthorizedKeysWritable = defineCheck({
  meta: {
    id: 'ssh-authorized-keys-writable',
    title: 'Jobs can add SSH login keys',
    severity: 'medium',
    category: 'host-access',
    rationale:
      'When the job user can write an authorized_keys file (or replace it in a directory it can write), a job can plant its own key and log back in over SSH after the job ends: persistence on the runner host outside any pipeline.',
    remediation: 'Make ~/.ssh and authorized_keys root-owned and not writable by the job user (or remove them when no SSH login is needed); set AuthorizedKeysFile to a root-owned location.',
    gitlabSection: 'secure-host',
    references: [{ title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL }],
    requires: ['system'],
  },
  evaluate(facts) {
    return findingsOrPass(
      facts.domains.system.ssh.authorizedKeys
        .filter((file) => file.writableBy.length > 0)
        .map((file) => ({
          subject: { kind: 'path' as const, id: file.path },
          message: `${file.writableBy.join(', ')} can change ${file.path}, which grants SSH logins as ${file.user} (${file.keys} key${file.keys === 1 ? '' : 's'} today)`,
          evidence: `owner uid ${file.owner}, mode ${file.mode.toString(8).padStart(4, '0')}, ${file.restricted} of ${file.keys} keys restricted by from=/command=`,
          remediation: `chown root ${file.path} and its directory, chmod 644 the file and 755 the directory, or remove it if ${file.user} needs no SSH login.`,
        })),
    );
  },
});
