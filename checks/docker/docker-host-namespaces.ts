import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { ContainerFacts } from '../../collectors/docker/types.js';
import { judgeContainers } from './scope.js';

interface SharedNamespace {
  namespace: string;
  setting: string;
  value: (c: ContainerFacts) => string;
  severity: Severity;
  why: string;
}

const NAMESPACES: SharedNamespace[] = [
  { namespace: 'pid', setting: 'PidMode', value: (c) => c.pidMode, severity: 'critical', why: "sees and signals every host process, and reads their /proc (environment of other jobs' processes)" },
  { namespace: 'network', setting: 'NetworkMode', value: (c) => c.networkMode, severity: 'high', why: "reaches every service listening on the host's loopback and interfaces (dockerd on tcp, metrics, metadata)" },
  { namespace: 'ipc', setting: 'IpcMode', value: (c) => c.ipcMode, severity: 'high', why: "reads and writes the host's shared memory" },
];

export const dockerHostNamespaces = defineCheck({
  meta: {
    id: 'docker-host-namespaces',
    title: 'Containers sharing host namespaces',
    severity: 'high',
    category: 'container-isolation',
    rationale:
      'Namespaces are what separates a job from the host. A container in the host pid namespace sees every host process ' +
      '(with its environment); in the host network namespace it reaches services bound to the host loopback; in the host ' +
      'ipc namespace it shares host shared memory; with userns_mode = host it escapes the daemon user-namespace remapping.',
    remediation:
      'Remove pid_mode, network_mode = "host", ipc_mode = "host" and userns_mode = "host" from [runners.docker]; use ' +
      'FF_NETWORK_PER_BUILD for per-job networks.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'Docker run reference: namespaces', url: 'https://docs.docker.com/engine/containers/run/' },
      { title: 'GitLab Runner: Docker executor network configurations', url: 'https://docs.gitlab.com/runner/executors/docker/#network-configurations' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    const remapped = facts.domains.docker.engine?.userns === true;
    return judgeContainers(facts, (c, report) => {
      for (const ns of NAMESPACES) {
        if (ns.value(c) !== 'host') continue;
        report({ what: `in the host ${ns.namespace} namespace: it ${ns.why}`, evidence: `HostConfig.${ns.setting}=host`, severity: ns.severity, key: ns.namespace });
      }
      // Without remapping every container already shares the host user namespace: nothing is lost.
      if (remapped && c.usernsMode === 'host') {
        report({
          what: "outside the daemon's user-namespace remapping: its root is host root",
          evidence: 'HostConfig.UsernsMode=host with userns-remap active',
          severity: 'medium',
          key: 'user',
        });
      }
    });
  },
});
