import { defineCheck } from '../../agent/core/check.js';
import { compareVersions, noRunnerReason } from './common.js';
import { RUNNER_RELEASES } from './runner-releases.js';

const DAY_MS = 86_400_000;

export const runnerVersionOutdated = defineCheck({
  meta: {
    id: 'runner-version-outdated',
    title: 'gitlab-runner older than the maintained releases',
    severity: 'high',
    category: 'maintenance',
    rationale:
      'GitLab backports security fixes only to the three newest minor releases. An older runner keeps known vulnerabilities and old defaults (SSH host keys unchecked before 15.0, pre_clone_script honoured before 17.0, Docker cache volumes shared between protected and unprotected branches before 18.4).',
    remediation: 'Upgrade the gitlab-runner package (and gitlab-runner-helper-images) to a maintained release.',
    gitlabSection: 'secure-host',
    references: [{ title: 'GitLab maintenance policy', url: 'https://docs.gitlab.com/policy/maintenance/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const { binary } = facts.domains.runner;
    if (binary.status !== 'ok' || !binary.version) {
      if (facts.domains.runner.configs.length === 0 && binary.status === 'not-found') return { status: 'not-applicable', reason: noRunnerReason(facts.domains.runner) };
      return { status: 'not-applicable', reason: `runner version unknown (${binary.status}${binary.message ? `: ${binary.message}` : ''})` };
    }
    const maintained = RUNNER_RELEASES.minors.slice(0, RUNNER_RELEASES.maintainedMinors).map((m) => m.version);
    const oldest = maintained[maintained.length - 1] as string;
    const [major, minor] = binary.version.split('.');
    if (compareVersions(`${major}.${minor}`, oldest) >= 0) return { status: 'pass' };
    // The list is data shipped with the tool: say how old it is relative to this scan.
    const listAge = Math.floor((Date.parse(facts.collectedAt.start) - Date.parse(RUNNER_RELEASES.asOf)) / DAY_MS);
    const stale = listAge > 60 ? ` (release list from ${RUNNER_RELEASES.asOf}, ${listAge} days before this scan: newer releases may exist)` : '';
    return {
      status: 'fail',
      findings: [
        {
          subject: { kind: 'host', id: `gitlab-runner:${binary.path ?? 'binary'}`, label: binary.path ?? 'gitlab-runner' },
          message: `gitlab-runner ${binary.version} is older than the maintained releases ${maintained.join(', ')}${stale}`,
          evidence: `${binary.path ?? 'gitlab-runner'} --version: ${binary.version}`,
          remediation: `Upgrade gitlab-runner to ${maintained[0]} or later (package gitlab-runner and gitlab-runner-helper-images).`,
        },
      ],
    };
  },
});
