import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { judgeDockerRunners, runnerFinding } from './common.js';

const NAMESPACES: { key: 'networkMode' | 'pidMode' | 'ipcMode' | 'usernsMode'; setting: string; severity: Severity; effect: string }[] = [
  { key: 'pidMode', setting: 'pid_mode', severity: 'critical', effect: 'jobs see and can signal every host process' },
  { key: 'networkMode', setting: 'network_mode', severity: 'high', effect: 'jobs share the host network: loopback-only services, the metadata endpoint and host ports are in reach' },
  { key: 'ipcMode', setting: 'ipcmode', severity: 'high', effect: 'jobs share host shared memory and IPC objects' },
  { key: 'usernsMode', setting: 'userns_mode', severity: 'medium', effect: "jobs skip the daemon's user-namespace remapping, so root in the job is root on the host" },
];

export const hostNamespaces = defineCheck({
  meta: {
    id: 'host-namespaces',
    title: 'Jobs share host namespaces (network, PID, IPC, user)',
    severity: 'high',
    category: 'container-isolation',
    rationale:
      'Namespaces are what separates a job container from the host. network_mode = "host", pid_mode = "host", ipcmode = "host" or userns_mode = "host" hand one of them back to every job.',
    remediation: 'Remove network_mode, pid_mode, ipcmode and userns_mode = "host" from [runners.docker]; use a per-job network (FF_NETWORK_PER_BUILD) when jobs need to reach their services.',
    gitlabSection: 'docker-executor',
    references: [{ title: 'The [runners.docker] section', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnersdocker-section' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeDockerRunners(facts.domains.runner, (at, docker) =>
      NAMESPACES.flatMap(({ key, setting, severity, effect }) => {
        const value = docker[key];
        if (value?.trim().toLowerCase() !== 'host') return [];
        return [
          runnerFinding(at, {
            message: `${setting} = "host": ${effect}`,
            evidence: `[runners.docker] ${setting} = "${value}"`,
            severity,
            remediation: `Remove ${setting} from [runners.docker]${key === 'networkMode' ? ' (or enable FF_NETWORK_PER_BUILD for per-job networks)' : ''}.`,
            key: setting,
          }),
        ];
      }),
    );
  },
});
