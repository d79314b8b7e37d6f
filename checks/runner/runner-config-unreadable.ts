import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { RunnerFileError } from '../../collectors/runner/types.js';

const SEVERITY: Record<RunnerFileError['kind'], Severity> = {
  syntax: 'medium',
  'duplicate-key': 'medium',
  binary: 'medium',
  'too-large': 'low',
  unreadable: 'low',
  refused: 'high',
  'not-a-runner-config': 'info',
};

export const runnerConfigUnreadable = defineCheck({
  meta: {
    id: 'runner-config-unreadable',
    title: 'Runner config that cannot be judged',
    severity: 'medium',
    category: 'maintenance',
    rationale:
      'A config.toml with a syntax error or duplicate key is refused by the runner too (it keeps the last good configuration it loaded, so what runs is not what the file says) and nothing in it can be checked. A config path that is a symlink out of its tree, a FIFO or a device was planted, not written by the runner.',
    remediation: 'Fix the file at the line given (gitlab-runner verify or gitlab-runner lint show the error); replace a planted special file with a regular 0600 root-owned file.',
    gitlabSection: 'secure-host',
    references: [{ title: 'TOML v1.0.0', url: 'https://toml.io/en/v1.0.0' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const { errors, configs } = facts.domains.runner;
    if (configs.length === 0) return { status: 'not-applicable', reason: 'no runner config found' };
    return findingsOrPass(
      errors.map((error) => {
        const where = `${error.path}${error.line !== null ? `:${error.line}${error.column !== null ? `:${error.column}` : ''}` : ''}`;
        return {
          subject: { kind: 'path' as const, id: error.path },
          message: `${where}: ${error.message}`,
          evidence: `${error.kind} at ${where}`,
          severity: SEVERITY[error.kind],
          remediation: error.kind === 'refused' ? `Replace ${error.path} with a regular file owned by root, mode 0600.` : `Fix ${where} and run gitlab-runner verify.`,
          key: `${error.kind}:${error.line ?? ''}`,
        };
      }),
    );
  },
});
