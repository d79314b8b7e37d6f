import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { listSome, readableItems, RUNNER_SECURITY_URL } from './common.js';

export const jobHomeCredentials = defineCheck({
  meta: {
    id: 'job-home-credentials',
    title: 'Credential files in the job user\'s home',
    severity: 'high',
    category: 'secrets',
    rationale:
      'Registry logins, Git credentials, cloud and cluster credentials stored in the job user\'s home are readable by every later job that runs as that account, whatever project it belongs to. A `docker login` or `git credential store` in one job leaves them for all the others.',
    remediation: 'Delete the files, and give jobs per-job credentials (CI/CD variables, DOCKER_AUTH_CONFIG, OIDC) instead of host-wide ones; for Docker, a credential helper keeps secrets out of config.json.',
    gitlabSection: 'secure-host',
    references: [{ title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL }],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    return findingsOrPass(
      readableItems(system, system.credentialFiles.filter((file) => file.hasSecrets)).map(({ item: file, readByShellJobs: shell }) => ({
        subject: { kind: 'path' as const, id: file.path },
        message: `${file.kind} credentials${file.targets.length > 0 ? ` for ${listSome(file.targets)}` : ''} in ${file.path} are readable by ${file.readableBy.join(', ')}${shell ? ', so by every shell job' : ''}`,
        evidence: `${file.size} bytes, owner uid ${file.owner}, mode ${file.mode.toString(8).padStart(4, '0')}, fingerprint ${file.fingerprint ?? 'none'}`,
        // Without a shell runner the account runs no job code directly: the file waits for a compromise.
        severity: shell ? ('high' as const) : ('medium' as const),
        remediation: `Remove ${file.path} (and revoke what it holds if jobs could have read it).`,
      })),
    );
  },
});
