import { defineCheck } from '../../agent/core/check.js';
import { judgeRunners, runnerFinding, usesDocker } from './common.js';
import { isRuntimeSocket, normalise, parseBind, sensitivity } from './volumes.js';

export const sensitiveHostPathMounts = defineCheck({
  meta: {
    id: 'sensitive-host-path-mounts',
    title: 'Sensitive or shared host paths mounted into jobs',
    severity: 'critical',
    category: 'host-access',
    rationale:
      'Bind mounts in [runners.docker] volumes apply to every job, helper and service container. Mounting /, /etc, /root or Docker\'s data directory lets a job rewrite the host; mounting home directories or credential directories lets it read other users\' keys and tokens; any other read-write host directory is shared by all projects, so one job can plant files another project\'s build will use.',
    remediation: 'Remove host paths from volumes, or mount a dedicated directory read-only. Use the runner cache or artifacts to share files between jobs.',
    gitlabSection: 'secure-host',
    references: [{ title: 'The [runners.docker] section: volumes', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnersdocker-section' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        const mounts: { setting: string; source: string; readOnly: boolean }[] = [];
        if (usesDocker(runner)) {
          for (const volume of runner.docker!.volumes) {
            const bind = parseBind(volume);
            if (bind) mounts.push({ setting: `[runners.docker] volumes entry "${volume}"`, source: bind.source, readOnly: bind.readOnly });
          }
        }
        if (runner.executor === 'kubernetes') {
          for (const volume of runner.kubernetes?.hostPathVolumes ?? []) {
            mounts.push({ setting: `[[runners.kubernetes.volumes.host_path]] host_path = "${volume.hostPath}"`, source: normalise(volume.hostPath), readOnly: volume.readOnly });
          }
        }
        return mounts.flatMap((mount) => {
          // Runtime sockets are judged by docker-socket-in-volumes.
          if (isRuntimeSocket(mount.source)) return [];
          const level = sensitivity(mount.source);
          // Any other read-write host directory is shared by every job of every project: one job can poison what the next one uses.
          if (!level && mount.readOnly) return [];
          const severity = !level ? 'medium' : mount.readOnly ? (level === 'critical' ? 'high' : 'medium') : level;
          return [
            runnerFinding(at, {
              message: level
                ? `host path ${mount.source} is mounted ${mount.readOnly ? 'read-only' : 'read-write'} into every job`
                : `host directory ${mount.source} is shared read-write by every job of every project`,
              evidence: mount.setting,
              severity,
              remediation: `Remove "${mount.source}" from the volumes of this runner; share build data through the cache or artifacts instead.`,
              key: mount.source,
            }),
          ];
        });
      }),
    );
  },
});
