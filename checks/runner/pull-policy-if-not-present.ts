import { defineCheck } from '../../agent/core/check.js';
import { judgeRunners, runnerFinding, singleUseVm, tomlList, usesDocker } from './common.js';

export const pullPolicyIfNotPresent = defineCheck({
  meta: {
    id: 'pull-policy-if-not-present',
    title: 'Locally cached images reusable without registry credentials',
    severity: 'high',
    category: 'images',
    rationale:
      'With the if-not-present pull policy the runner uses an image already on the host without asking the registry. A private image pulled by one project can then be run by any other project on the runner, with no credentials: its contents and any secrets baked in leak across projects.',
    remediation:
      'Set pull_policy = "always" (or "never" with curated images) and allowed_pull_policies = ["always"] on runners shared by several projects; on Kubernetes set pull_policy explicitly, since unset means the cluster default (IfNotPresent).',
    gitlabSection: 'if-not-present',
    references: [{ title: 'Configure how runners pull images', url: 'https://docs.gitlab.com/runner/executors/docker/#configure-how-runners-pull-images' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const fix = 'Set pull_policy = ["always"] and allowed_pull_policies = ["always"]';
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        if (usesDocker(runner)) {
          const docker = runner.docker!;
          const inPolicy = docker.effectivePullPolicies.includes('if-not-present');
          const jobsMayAsk = docker.effectiveAllowedPullPolicies.includes('if-not-present');
          if (!inPolicy && !jobsMayAsk) return [];
          // On a VM used for one job only, no image from another project's job is in the cache.
          const singleUse = singleUseVm(runner);
          const evidence = `[runners.docker] pull_policy = ${tomlList(docker.pullPolicy.length ? docker.pullPolicy : ['always (default)'])}; allowed_pull_policies = ${tomlList(docker.allowedPullPolicies)}`;
          return [
            runnerFinding(at, {
              message: `${inPolicy ? 'pull_policy includes if-not-present: cached private images run for any project' : 'allowed_pull_policies lets jobs choose if-not-present'}${singleUse ? ' (VMs are single-use, so only images baked into the VM image are cached)' : ''}`,
              evidence,
              severity: singleUse ? 'low' : inPolicy ? 'high' : 'medium',
              remediation: `${fix} in [runners.docker].`,
            }),
          ];
        }
        if (runner.executor === 'kubernetes') {
          // No [runners.kubernetes] table at all means every default, pull_policy included.
          const k8s: { pullPolicy: string[]; allowedPullPolicies: string[] } = runner.kubernetes ?? { pullPolicy: [], allowedPullPolicies: [] };
          const unset = k8s.pullPolicy.length === 0;
          const allowed = k8s.allowedPullPolicies.length > 0 ? k8s.allowedPullPolicies : k8s.pullPolicy;
          if (!unset && !k8s.pullPolicy.includes('if-not-present') && !allowed.includes('if-not-present')) return [];
          return [
            runnerFinding(at, {
              message: unset ? 'pull_policy unset: the cluster default (IfNotPresent for tagged images) applies' : 'pull_policy or allowed_pull_policies includes if-not-present',
              evidence: `[runners.kubernetes] pull_policy = ${tomlList(k8s.pullPolicy)}; allowed_pull_policies = ${tomlList(k8s.allowedPullPolicies)}`,
              severity: unset ? 'medium' : 'high',
              remediation: `${fix} in [runners.kubernetes].`,
            }),
          ];
        }
        return [];
      }),
    );
  },
});
