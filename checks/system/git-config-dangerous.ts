import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { GitConfigSetting } from '../../collectors/system/types.js';
import { listSome, noShellRunner, RUNNER_SECURITY_URL, shellJobUserNames } from './common.js';

const SEVERITY: Record<GitConfigSetting['risk'], Severity> = {
  'plaintext-credentials': 'high',
  'url-rewrite': 'medium',
  'hooks-path': 'high',
  'tls-verify-off': 'high',
  'runs-command': 'high',
  include: 'medium',
  'safe-directory-any': 'low',
};

function worst(settings: readonly GitConfigSetting[]): Severity {
  const order: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  const of = (s: GitConfigSetting): Severity => (s.risk === 'url-rewrite' && s.credentialFingerprint ? 'high' : SEVERITY[s.risk]);
  return order.find((level) => settings.some((s) => of(s) === level)) ?? 'low';
}

export const gitConfigDangerous = defineCheck({
  meta: {
    id: 'git-config-dangerous',
    title: 'Dangerous git configuration applies to shell jobs',
    severity: 'high',
    category: 'host-access',
    rationale:
      'Shell jobs run git as the job user, which honours /etc/gitconfig and the user\'s ~/.gitconfig in every later job: a plaintext credential store, URL rewrites (often carrying a token), a hooks path, commands git runs, or TLS verification turned off change what every project\'s checkout does and leak or redirect it.',
    remediation: 'Remove these settings from /etc/gitconfig and the job user\'s global config, keep those files root-owned, and enable FF_GIT_URLS_WITHOUT_TOKENS and clean_git_config = true.',
    gitlabSection: 'shell-executor',
    references: [
      { title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL },
      { title: 'Cleaning Git configuration', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/' },
    ],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    const shellUsers = shellJobUserNames(system);
    if (shellUsers.size === 0) return noShellRunner();
    return findingsOrPass(
      system.gitConfigs
        .filter((config) => config.settings.length > 0 && (config.scope === 'system' || (config.user !== null && shellUsers.has(config.user))))
        .map((config) => ({
          subject: { kind: 'path' as const, id: config.path },
          message: `${config.path} (${config.scope === 'system' ? 'system' : `global config of ${config.user}`}) has ${config.settings.length} setting${config.settings.length === 1 ? '' : 's'} git applies in every shell job: ${[...new Set(config.settings.map((s) => s.risk))].join(', ')}`,
          evidence: listSome(
            config.settings.map((s) => `line ${s.line}: ${s.key} = ${s.value}${s.credentialFingerprint ? ` (credentials ${s.credentialFingerprint})` : ''}`),
            4,
          ),
          severity: worst(config.settings),
          remediation: `Remove ${listSome([...new Set(config.settings.map((s) => s.key))], 5)} from ${config.path}.`,
        })),
    );
  },
});
