import { defineCheck } from '../../agent/core/check.js';
import { exposedSocket, isJobContainer, judgeContainers } from './scope.js';

export const dockerSocketMounted = defineCheck({
  meta: {
    id: 'docker-socket-mounted',
    title: 'Container runtime socket mounted into a container',
    severity: 'critical',
    category: 'container-isolation',
    rationale:
      'Whoever can talk to the Docker socket can start a privileged container with the host root mounted: it is root on ' +
      'the host. A job with the socket can also list and exec into the containers of other jobs and read their secrets. ' +
      'A read-only bind does not help: connecting to a socket is not a write.',
    remediation:
      'Remove the socket from [runners.docker] volumes. Build images with rootless BuildKit, Kaniko or Buildah, or a ' +
      'docker:dind-rootless service; if a job truly needs an engine, give it one in a throwaway VM.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'GitLab: limitations of Docker socket binding', url: 'https://docs.gitlab.com/ci/docker/using_docker_build/' },
      { title: 'Docker: protect the Docker daemon socket', url: 'https://docs.docker.com/engine/security/protect-access/' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    return judgeContainers(facts, (c, report) => {
      for (const mount of c.mounts) {
        const socket = exposedSocket(mount, facts.domains.docker);
        if (!socket) continue;
        const through = socket === mount.source ? '' : ` (through ${mount.source})`;
        report({
          what: `with the runtime socket ${socket} mounted${through}${isJobContainer(c) ? '' : ' (not created by a runner: high)'}`,
          evidence: `bind ${mount.source} -> ${mount.destination}${mount.readOnly ? ' (ro, which does not protect a socket)' : ''}`,
          severity: isJobContainer(c) ? 'critical' : 'high',
          key: mount.destination,
        });
      }
    });
  },
});
