import { defineCheck } from '../../agent/core/check.js';
import { judgeDockerRunners, runnerFinding, singleUseVm, tomlList } from './common.js';
import { allowsAnyImage } from './images.js';

export const dockerPrivilegedServices = defineCheck({
  meta: {
    id: 'docker-privileged-services',
    title: 'Privileged service containers',
    severity: 'high',
    category: 'container-isolation',
    rationale:
      'Service containers (services: in .gitlab-ci.yml, such as docker:dind) inherit privileged mode unless services_privileged says otherwise. A job picks its own service images, so without allowed_privileged_services any image it names runs privileged on the host.',
    remediation:
      'Set services_privileged = false, or keep it true only with allowed_privileged_services listing rootless Docker-in-Docker images (for example ["docker:*-dind-rootless"]).',
    gitlabSection: 'privileged-containers',
    references: [
      { title: 'Use rootless Docker-in-Docker with restricted privileged mode', url: 'https://docs.gitlab.com/runner/executors/docker/#use-rootless-docker-in-docker-with-restricted-privileged-mode' },
    ],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeDockerRunners(facts.domains.runner, (at, docker) => {
      if (!docker.servicesPrivilegedEffective) return [];
      const allowlist = docker.allowedPrivilegedServices;
      const open = allowlist.length === 0 || allowsAnyImage(allowlist);
      const ephemeral = singleUseVm(at.runner);
      const source = docker.servicesPrivileged === null ? 'privileged = true (services follow it)' : 'services_privileged = true';
      return [
        runnerFinding(at, {
          message: `${open ? 'service containers run privileged, whatever image a job names' : `service containers run privileged for images matching ${tomlList(allowlist)}`}${ephemeral ? ' (on single-use autoscaled VMs)' : ''}`,
          evidence: `[runners.docker] ${source}; allowed_privileged_services = ${tomlList(allowlist)}`,
          severity: !open ? 'medium' : ephemeral ? 'high' : 'critical',
          remediation: open
            ? 'Set services_privileged = false, or allowed_privileged_services = ["docker:*-dind-rootless"] in [runners.docker].'
            : 'Keep allowed_privileged_services to rootless images only.',
        }),
      ];
    });
  },
});
