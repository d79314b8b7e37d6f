import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import type { RunnerEntry } from '../../collectors/runner/types.js';
import { engineMissing } from './scope.js';

/** Docker-executor runners that use this host's engine (no remote `host`). */
function localDockerRunner(runner: RunnerEntry): boolean {
  return runner.executor === 'docker' && runner.docker !== null && (runner.docker.host === null || runner.docker.host.startsWith('unix://'));
}

/** Where if-not-present comes from: the runner's own policy, or what jobs may ask for. */
function ifNotPresentSource(runner: RunnerEntry): string | null {
  const docker = runner.docker;
  if (!docker) return null;
  if (docker.effectivePullPolicies.includes('if-not-present')) return `pull_policy = [${docker.effectivePullPolicies.map((p) => `"${p}"`).join(', ')}]`;
  if (docker.effectiveAllowedPullPolicies.includes('if-not-present')) return `allowed_pull_policies includes "if-not-present" (jobs may request it)`;
  return null;
}

export const dockerPrivateImageIfNotPresent = defineCheck({
  meta: {
    id: 'docker-private-image-if-not-present',
    title: 'Private images cached where a runner pulls if-not-present',
    severity: 'high',
    category: 'images',
    rationale:
      "With the if-not-present pull policy the runner starts a cached image without asking the registry. User A's job " +
      "pulls A's private image with A's credentials; the image stays in the host's cache; user B's job names the same " +
      "image and the runner hands it over, though B could never pull it. The image's code and any secrets baked in leak.",
    remediation:
      'Set pull_policy = ["always"] and allowed_pull_policies = ["always"] in [runners.docker] on runners shared by ' +
      'several users or projects (or "never" with images you curate), and clear the cache: `docker image prune -a` or ' +
      'clear-docker-cache.',
    gitlabSection: 'if-not-present',
    references: [
      { title: 'GitLab Runner: configure how runners pull images', url: 'https://docs.gitlab.com/runner/executors/docker/#configure-how-runners-pull-images' },
      { title: 'GitLab Runner: clear the Docker cache', url: 'https://docs.gitlab.com/runner/executors/docker/#clear-the-docker-cache' },
    ],
    requires: ['docker', 'runner'],
  },
  evaluate(facts) {
    const docker = facts.domains.docker;
    const missing = engineMissing(docker);
    if (missing) return missing;
    const runners = facts.domains.runner.configs.flatMap((config) =>
      config.runners.filter(localDockerRunner).map((runner) => ({ runner, configPath: config.path, source: ifNotPresentSource(runner) })),
    );
    if (runners.length === 0) return { status: 'not-applicable', reason: 'no docker-executor runner uses this engine' };
    const exposing = runners.filter((r) => r.source !== null);
    const findings: FindingDraft[] = [];
    for (const image of docker.images.filter((i) => i.looksPrivate)) {
      const reference = image.tags[0] ?? image.digests[0] ?? image.id;
      const registries = image.registries.filter((r) => r !== 'docker.io').join(', ');
      for (const { runner, configPath, source } of exposing) {
        const name = runner.name || `runners[${runner.index}]`;
        findings.push({
          subject: { kind: 'image', id: reference },
          message: `image ${reference} from ${registries} is cached here and runner ${name} would start it for any job, even one without access to that registry`,
          evidence: `${source} in ${configPath}; image ${image.id.slice(0, 19)}`,
          remediation: `Set pull_policy = ["always"] and allowed_pull_policies = ["always"] in [runners.docker] of runner ${name}, then remove the cached image.`,
          runner: { name, id: runner.token?.fingerprint ?? null, configPath },
          key: runner.id,
        });
      }
    }
    return findingsOrPass(findings);
  },
});
