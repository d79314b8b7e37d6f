import { defineCheck } from '../../agent/core/check.js';
import { judgeConfigs } from './common.js';
import { exposedListeners } from './listen-address.js';

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
    return judgeConfigs(facts.domains.runner, (configs) =>
      exposedListeners(configs, (config) => config.sessionServerListenAddress).map(({ config, address, everywhere, listensOn }) => ({
        subject: { kind: 'endpoint' as const, id: `${config.path}#session_server`, label: address },
        message: `${config.path}: session server listens on ${listensOn}`,
        evidence: `[session_server] listen_address = "${address}"`,
        severity: everywhere ? ('medium' as const) : ('low' as const),
        remediation: `Remove [session_server] from ${config.path} if web terminals are unused, or bind it to the address GitLab connects to and firewall that port.`,
      })),
    );
  },
});
