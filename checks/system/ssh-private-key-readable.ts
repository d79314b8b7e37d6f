import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { PrivateKeyFacts } from '../../collectors/system/types.js';
import { readableItems, RUNNER_SECURITY_URL } from './common.js';

/** Unencrypted is usable at once; a passphrase buys time. Readers that run no job code lower the risk one step. */
function severityOf(key: PrivateKeyFacts, readByShellJobs: boolean): Severity {
  if (readByShellJobs) return key.encrypted ? 'medium' : 'high';
  return key.encrypted ? 'low' : 'medium';
}

export const sshPrivateKeyReadable = defineCheck({
  meta: {
    id: 'ssh-private-key-readable',
    title: 'SSH private keys readable by jobs',
    severity: 'high',
    category: 'secrets',
    rationale:
      'A private key the job user can read lets any job log in wherever that key is accepted: deploy targets, other hosts, Git remotes. GitLab asks to secure or remove such files from runner hosts. An unencrypted key works at once; an encrypted one still exposes the key to offline guessing.',
    remediation: 'Remove keys from the runner host, or make them readable by root only (chmod 600, root-owned, in a root-only directory). Give jobs short-lived credentials (CI/CD file variables, OIDC) instead.',
    gitlabSection: 'secure-host',
    references: [{ title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL }],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    return findingsOrPass(
      readableItems(system, system.ssh.privateKeys).map(({ item: key, readByShellJobs: shell }) => {
        const what = `${key.encrypted ? 'passphrase-protected' : 'unencrypted'} ${key.keyType ?? key.format} key`;
        return {
          subject: { kind: 'key' as const, id: key.path },
          message: `${what} ${key.path} is readable by ${key.readableBy.join(', ')}${shell ? ', the account shell jobs run as' : ''}`,
          evidence: `${key.format}${key.publicFingerprint ? ` ${key.publicFingerprint}` : ''}, owner uid ${key.owner}, mode ${key.mode.toString(8).padStart(4, '0')}`,
          severity: severityOf(key, shell),
          remediation: `Remove ${key.path} from the host, or chown root and chmod 600 it inside a directory the job user cannot enter.`,
        };
      }),
    );
  },
});
