import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { engineMissing } from './scope.js';

export const dockerRunnerVolumeShared = defineCheck({
  meta: {
    id: 'docker-runner-volume-shared',
    title: 'Runner cache or build volume shared across projects',
    severity: 'medium',
    category: 'build-dirs',
    rationale:
      'gitlab-runner keeps cache and build volumes between jobs. A volume that serves jobs of several projects lets one ' +
      "project's job read another's sources and cached dependencies, or poison them for its next build.",
    remediation:
      'Keep one trust domain per runner: register runners per project or group, set disable_cache = true on shared runners ' +
      'and use the distributed cache ([runners.cache]); remove the shared volume (`docker volume rm`).',
    gitlabSection: 'git-strategy-fetch',
    references: [
      { title: 'GitLab Runner: Docker executor volumes and cache', url: 'https://docs.gitlab.com/runner/executors/docker/' },
      { title: 'GitLab Runner: the [runners.cache] section', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnerscache-section' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    const docker = facts.domains.docker;
    const missing = engineMissing(docker);
    if (missing) return missing;
    return findingsOrPass(
      docker.runnerVolumes
        .filter((v) => v.projectIds.length > 1)
        .map((v) => ({
          subject: { kind: 'volume' as const, id: v.name },
          message: `runner ${v.labels.type ? `${v.labels.type} ` : ''}volume ${v.name} serves ${v.projectIds.length} projects (${v.projectIds.join(', ')})`,
          evidence: `mounted at ${v.destination ?? 'unknown'}; projects ${v.projectIds.join(', ')}; runners ${v.runnerShortTokens.join(', ') || 'unknown'}`,
          ...(v.runnerShortTokens.length === 1 ? { runner: { name: `runner ${v.runnerShortTokens[0]}`, id: null } } : {}),
        })),
    );
  },
});
