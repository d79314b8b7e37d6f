import { defineCheck } from '../../agent/core/check.js';
import { isJobContainer, judgeContainers } from './scope.js';

export const dockerPrivilegedContainer = defineCheck({
  meta: {
    id: 'docker-privileged-container',
    title: 'Privileged containers on the runner host',
    severity: 'critical',
    category: 'container-isolation',
    rationale:
      'A privileged container has every capability, every host device and no seccomp or AppArmor confinement: ' +
      'whatever runs in it can mount the host disk and take over the host. On a runner host that code is a CI job ' +
      'any Developer of the project controls, so one job can reach every other project the runner serves.',
    remediation:
      'Set privileged = false in [runners.docker]. Build images with rootless BuildKit, Kaniko or Buildah; if Docker-in-Docker ' +
      'is unavoidable, use services_privileged with allowed_privileged_services = ["docker:*-dind-rootless"] on a dedicated, ' +
      'protected-branch runner whose VMs serve one job each.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'Docker: runtime privilege and Linux capabilities', url: 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities' },
      { title: 'GitLab Runner: Docker executor, privileged mode', url: 'https://docs.gitlab.com/runner/executors/docker/' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    return judgeContainers(facts, (c, report) => {
      if (!c.privileged) return;
      report({
        what: isJobContainer(c) ? 'privileged' : 'privileged (not created by a runner: high, not critical)',
        evidence: `HostConfig.Privileged=true, image ${c.image}, state ${c.state}`,
        severity: isJobContainer(c) ? 'critical' : 'high',
      });
    });
  },
});
