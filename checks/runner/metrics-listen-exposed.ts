import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { noRunnerReason } from './common.js';
import { exposure } from './listen-address.js';

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
    const runnerFacts = facts.domains.runner;
    const configs = runnerFacts.configs.filter((c) => c.status === 'ok');
    if (configs.length === 0) return { status: 'not-applicable', reason: noRunnerReason(runnerFacts) };
    return findingsOrPass(
      configs.flatMap((config) => {
        const address = config.listenAddress;
        if (!address) return [];
        const where = exposure(address);
        if (where === 'loopback') return [];
        return [
          {
            subject: { kind: 'endpoint' as const, id: `${config.path}#listen_address`, label: address },
            message: `${config.path}: metrics/debug server listens on ${where === 'all-interfaces' ? 'all interfaces' : address}`,
            evidence: `listen_address = "${address}"`,
            remediation: `Set listen_address = "127.0.0.1:${address.split(':').pop() || '9252'}" in ${config.path} and restart gitlab-runner.`,
          },
        ];
      }),
    );
  },
});
