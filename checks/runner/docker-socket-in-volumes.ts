import { defineCheck } from '../../agent/core/check.js';
import { judgeRunners, runnerFinding, singleUseVm, usesDocker } from './common.js';
import { isRuntimeSocket, normalise, parseBind } from './volumes.js';

export const dockerSocketInVolumes = defineCheck({
  meta: {
    id: 'docker-socket-in-volumes',
    title: 'Container runtime socket mounted into jobs',
    severity: 'critical',
    category: 'host-access',
    rationale:
      'A job that can reach the host Docker (or containerd, CRI-O, Podman) socket can start a privileged container with the host filesystem mounted, and list, inspect and exec into every other job container. A read-only bind mount does not prevent connecting to a socket.',
    remediation:
      'Remove the socket from volumes. Build images with rootless BuildKit, Kaniko or Buildah, or a docker:dind-rootless service; if a daemon must be shared, put a filtering socket proxy in front of it.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'Use Docker socket binding: limitations', url: 'https://docs.gitlab.com/ci/docker/using_docker_build/#use-the-docker-executor-with-docker-socket-binding' },
    ],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        const mounts: { setting: string; source: string }[] = [];
        if (usesDocker(runner)) {
          for (const volume of runner.docker!.volumes) {
            const bind = parseBind(volume);
            if (bind && isRuntimeSocket(bind.source)) mounts.push({ setting: `[runners.docker] volumes entry "${volume}"`, source: bind.source });
          }
        }
        if (runner.executor === 'kubernetes') {
          for (const volume of runner.kubernetes?.hostPathVolumes ?? []) {
            const source = normalise(volume.hostPath);
            if (isRuntimeSocket(source)) mounts.push({ setting: `[[runners.kubernetes.volumes.host_path]] host_path = "${volume.hostPath}"`, source });
          }
        }
        // A single-use autoscaled VM limits the takeover to that VM and job: still high.
        const ephemeral = singleUseVm(runner);
        return mounts.map((mount) =>
          runnerFinding(at, {
            message: `the runtime socket ${mount.source} is mounted into every job${ephemeral ? ' (on a single-use autoscaled VM)' : ''}`,
            evidence: mount.setting,
            severity: ephemeral ? 'high' : 'critical',
            remediation: `Remove "${mount.source}" from the volumes of this runner and build images with a rootless builder or a docker:dind-rootless service.`,
            key: mount.source,
          }),
        );
      }),
    );
  },
});
