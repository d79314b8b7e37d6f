import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { noRunnerReason } from './common.js';
import { exposure } from './listen-address.js';

export const sessionServerExposed = defineCheck({
  meta: {
    id: 'session-server-exposed',
    title: 'Interactive web terminal server listening beyond loopback',
    severity: 'low',
    category: 'network',
    rationale:
      'The session server gives web terminals into running jobs. It is protected by a per-session token, but it is one more listening service on the runner host; exposed on every interface it is reachable from jobs and other hosts rather than only from GitLab.',
    remediation: 'Remove [session_server] when interactive web terminals are not used; otherwise bind listen_address to the interface GitLab reaches and firewall it to the GitLab host.',
    gitlabSection: 'network-segmentation',
    references: [{ title: 'The [session_server] section', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-session_server-section' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const runnerFacts = facts.domains.runner;
    const configs = runnerFacts.configs.filter((c) => c.status === 'ok');
    if (configs.length === 0) return { status: 'not-applicable', reason: noRunnerReason(runnerFacts) };
    return findingsOrPass(
      configs.flatMap((config) => {
        const address = config.sessionServerListenAddress;
        if (!address || exposure(address) === 'loopback') return [];
        const everywhere = exposure(address) === 'all-interfaces';
        return [
          {
            subject: { kind: 'endpoint' as const, id: `${config.path}#session_server`, label: address },
            message: `${config.path}: session server listens on ${everywhere ? 'all interfaces' : address}`,
            evidence: `[session_server] listen_address = "${address}"`,
            severity: everywhere ? ('medium' as const) : ('low' as const),
            remediation: `Remove [session_server] from ${config.path} if web terminals are unused, or bind it to the address GitLab connects to and firewall that port.`,
          },
        ];
      }),
    );
  },
});
