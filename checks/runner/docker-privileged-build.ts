import { defineCheck } from '../../agent/core/check.js';
import { judgeRunners, runnerFinding, singleUseVm, tomlList, usesDocker } from './common.js';
import { allowsAnyImage } from './images.js';

export const dockerPrivilegedBuild = defineCheck({
  meta: {
    id: 'docker-privileged-build',
    title: 'Privileged job containers',
    severity: 'critical',
    category: 'container-isolation',
    rationale:
      'privileged = true gives build and helper containers every capability and access to all host devices: any job can mount the host disk or load kernel modules and take over the machine that runs it, and with it every other job and secret there.',
    remediation:
      'Set privileged = false. For image builds use rootless BuildKit, Kaniko or Buildah, or restrict privileged mode to specific images with allowed_privileged_images; run privileged jobs only on ephemeral VMs and protected branches.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'Docker executor: privileged mode', url: 'https://docs.gitlab.com/runner/executors/docker/#use-docker-in-docker-with-privileged-mode' },
      { title: 'Reduce the security risk of using privileged containers', url: 'https://docs.gitlab.com/runner/security/#reduce-the-security-risk-of-using-privileged-containers' },
    ],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        if (usesDocker(runner) && runner.docker?.privileged) {
          const allowlist = runner.docker.allowedPrivilegedImages;
          const restricted = allowlist.length > 0 && !allowsAnyImage(allowlist);
          // GitLab's advice for privileged jobs: only on isolated, ephemeral VMs. Then the host at stake is that VM.
          const ephemeral = singleUseVm(runner);
          return [
            runnerFinding(at, {
              message: `${restricted ? `privileged build containers, limited to images matching ${tomlList(allowlist)}` : 'privileged build containers for any image'}${ephemeral ? ' (on single-use autoscaled VMs)' : ''}`,
              evidence: `[runners.docker] privileged = true; allowed_privileged_images = ${tomlList(allowlist)}`,
              severity: restricted ? 'medium' : ephemeral ? 'high' : 'critical',
              remediation: restricted
                ? `Keep allowed_privileged_images to rootless builder images only, and run ${runner.name || 'this runner'} on ephemeral VMs for protected branches.`
                : 'Set privileged = false in [runners.docker]; if one image needs it, set allowed_privileged_images to that image only.',
            }),
          ];
        }
        if (runner.executor === 'kubernetes' && runner.kubernetes?.privileged) {
          return [
            runnerFinding(at, {
              message: 'privileged build pods',
              evidence: '[runners.kubernetes] privileged = true',
              remediation: 'Set privileged = false in [runners.kubernetes] and build images with rootless tools.',
            }),
          ];
        }
        return [];
      }),
    );
  },
});
