import { defineCheck } from '../../agent/core/check.js';
import type { SocketRole } from '../../collectors/network/types.js';
import { judgeListeningSockets } from './listening.js';

const RUNNER_ROLES: Partial<Record<SocketRole, string>> = {
  'runner-metrics': 'metrics/debug server (listen_address)',
  'runner-session-server': 'session server ([session_server] listen_address)',
  'runner-other': 'listener',
};

export const networkRunnerPortExposed = defineCheck({
  meta: {
    id: 'network-runner-port-exposed',
    title: "The runner's metrics/debug or session server listens beyond loopback",
    severity: 'medium',
    category: 'network',
    rationale:
      "gitlab-runner's metrics server also serves /debug/jobs/list and pprof without authentication, and the session server " +
      'opens interactive terminals into jobs. Listening on every interface puts them in reach of job containers (through the ' +
      'bridge gateway) and of the network. This check judges the socket actually listening.',
    remediation: 'Bind them to loopback (listen_address = "127.0.0.1:9252"), or restrict the port with a firewall to the hosts that need it; drop [session_server] if interactive terminals are not used.',
    gitlabSection: 'network-segmentation',
    references: [{ title: 'GitLab Runner: advanced configuration (listen_address, [session_server])', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/' }],
    requires: ['network'],
  },
  evaluate(facts) {
    return judgeListeningSockets(facts, (socket, report) => {
      const what = RUNNER_ROLES[socket.role];
      if (!what || socket.scope === 'loopback') return;
      const everywhere = socket.scope === 'all-interfaces';
      report({
        label: `gitlab-runner ${what}`,
        severity: everywhere ? 'medium' : 'low',
        message: `gitlab-runner's ${what} listens on ${everywhere ? 'every interface' : `the non-loopback address ${socket.address} (low)`}, port ${socket.port}`,
      });
    });
  },
});
