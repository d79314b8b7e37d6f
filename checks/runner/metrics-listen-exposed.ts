import { defineCheck } from '../../agent/core/check.js';
import { judgeConfigs } from './common.js';
import { exposedListeners } from './listen-address.js';

export const metricsListenExposed = defineCheck({
  meta: {
    id: 'metrics-listen-exposed',
    title: 'Runner metrics and debug server listening beyond loopback',
    severity: 'medium',
    category: 'network',
    rationale:
      'listen_address starts an unauthenticated HTTP server with Prometheus metrics, /debug/jobs/list and Go pprof endpoints (command line, profiles). Bound to a non-loopback address it is reachable from jobs (shell jobs, host-network containers, other hosts) and leaks job and project details.',
    remediation: 'Bind listen_address to 127.0.0.1 (for example "127.0.0.1:9252") and scrape through a local agent, or firewall the port to the monitoring host; restart the runner after the change.',
    gitlabSection: 'network-segmentation',
    references: [{ title: 'Monitor GitLab Runner usage', url: 'https://docs.gitlab.com/runner/monitoring/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeConfigs(facts.domains.runner, (configs) =>
      exposedListeners(configs, (config) => config.listenAddress).map(({ config, address, listensOn }) => ({
        subject: { kind: 'endpoint' as const, id: `${config.path}#listen_address`, label: address },
        message: `${config.path}: metrics/debug server listens on ${listensOn}`,
        evidence: `listen_address = "${address}"`,
        remediation: `Set listen_address = "127.0.0.1:${address.split(':').pop() || '9252'}" in ${config.path} and restart gitlab-runner.`,
      })),
    );
  },
});
