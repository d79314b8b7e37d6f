import { defineCheck, type FindingDraft } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { PlaintextSecret } from '../../collectors/runner/types.js';
import { allRunners, judgeConfigs, runnerFinding } from './common.js';

// Secrets in environment reach every job; the others are readable by whoever can read the file.
function severityOf(secret: PlaintextSecret): Severity {
  return secret.kind === 'environment-secret' || secret.kind === 'registry-credential' ? 'high' : 'medium';
}

function fixFor(secret: PlaintextSecret): string {
  switch (secret.kind) {
    case 'registry-credential':
      return 'Remove DOCKER_AUTH_CONFIG from environment; give jobs registry access through a masked, protected CI/CD variable or the runner host\'s credential helper.';
    case 'environment-secret':
      return `Remove ${secret.setting.split('.').pop()} from environment and provide it as a masked, protected CI/CD variable.`;
    case 'cache-credential':
      return `Replace ${secret.setting} with an IAM role or workload identity (AuthenticationType = "iam"), or reference it from the service environment.`;
    case 'ssh-password':
      return 'Remove password from [runners.ssh] and use identity_file with a key readable only by root.';
    case 'kubernetes-token':
      return 'Remove bearer_token and use the pod\'s service account or a kubeconfig readable only by root.';
    case 'cloud-credential':
      return 'Remove the credential from MachineOptions and give the manager an instance role.';
    case 'connector-password':
      return 'Remove password from connector_config and use key-based or dynamic credentials (use_static_credentials = false).';
    case 'url-credential':
      return `Remove user:password@ from ${secret.setting}.`;
    case 'sentry-dsn':
      return 'Move sentry_dsn to the SENTRY_DSN environment variable of the service.';
  }
}

export const plaintextSecretsInConfig = defineCheck({
  meta: {
    id: 'plaintext-secrets-in-config',
    title: 'Plaintext credentials in the runner config',
    severity: 'medium',
    category: 'secrets',
    rationale:
      'Registry credentials, cache and cloud keys, SSH passwords and cluster tokens written into config.toml are exposed to anyone who can read the file or a backup of it; secrets in environment are handed to every job the runner runs, whatever the project.',
    remediation: 'Use IAM roles or workload identity for caches and autoscalers, key files readable only by root for SSH, and masked, protected CI/CD variables for what jobs need.',
    gitlabSection: 'secure-host',
    references: [{ title: 'Advanced configuration', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const runnerFacts = facts.domains.runner;
    return judgeConfigs(runnerFacts, (parsed) => {
      const drafts: FindingDraft[] = [];
      for (const at of allRunners(runnerFacts)) {
        for (const secret of at.runner.secrets) {
          drafts.push(
            runnerFinding(at, {
              message: `plaintext ${secret.kind.replace(/-/g, ' ')} in ${secret.setting}${severityOf(secret) === 'high' ? ', handed to every job' : ''}`,
              evidence: `${secret.setting} is set (value not recorded)`,
              severity: severityOf(secret),
              remediation: fixFor(secret),
              key: secret.setting,
            }),
          );
        }
        if (at.runner.token?.kind === 'registration') {
          drafts.push(
            runnerFinding(at, {
              message: 'token holds a registration token (GR1348941…), which lets anyone holding it register new runners',
              evidence: 'token kind: registration (value not recorded)',
              severity: 'high',
              remediation: 'Revoke the registration token in GitLab, create the runner in the UI to get a glrt- authentication token, and put that in token.',
              key: 'registration-token',
            }),
          );
        }
      }
      for (const config of parsed) {
        for (const secret of config.secrets) {
          drafts.push({
            subject: { kind: 'path', id: config.path },
            message: `${config.path}: plaintext ${secret.kind.replace(/-/g, ' ')} in ${secret.setting}`,
            evidence: `${secret.setting} is set (value not recorded)`,
            remediation: fixFor(secret),
            key: secret.setting,
          });
        }
      }
      return drafts;
    });
  },
});
