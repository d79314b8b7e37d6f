import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import { METADATA_ENDPOINTS } from '../../collectors/network/metadata-endpoints.js';
import { CLOUD_PROVIDERS, type CloudProvider, type CloudVerdict, type NetworkFacts } from '../../collectors/network/types.js';

/** Hooks that see a container's packets to an off-host address: before routing, or while being forwarded. */
const CONTAINER_HOOKS = new Set(['forward', 'prerouting']);

const isCloud = (verdict: CloudVerdict): verdict is CloudProvider => (CLOUD_PROVIDERS as readonly string[]).includes(verdict);

function sourcesText(network: NetworkFacts): string {
  const sources = network.firewall.sources;
  if (sources.length === 0) return 'no firewall source was read';
  return sources.map((source) => `${source.tool} ${source.status}${source.message ? ` (${source.message})` : ''}`).join(', ');
}

export const networkMetadataUnguarded = defineCheck({
  meta: {
    id: 'network-metadata-unguarded',
    title: 'No firewall rule keeps job containers from the cloud metadata service',
    severity: 'medium',
    category: 'network',
    rationale:
      'On a cloud instance, containers reach the metadata service through the host unless a rule drops their traffic to it, ' +
      'and that service hands out the instance\'s credentials. When reachability could not be measured from a job\'s own ' +
      'network (probes disabled, an offline image, no job running), the absence of such a rule is the best evidence there is.',
    remediation:
      'Drop container traffic to the metadata address before it is forwarded, e.g. "iptables -I DOCKER-USER -d 169.254.169.254 -j DROP" ' +
      '(and the same in ip6tables for fd00:ec2::254 on AWS), persisted across reboots; or let runner-warden probe (network.metadata_probes = "auto").',
    gitlabSection: 'network-segmentation',
    references: [{ title: 'Docker: packet filtering and firewalls (DOCKER-USER)', url: 'https://docs.docker.com/engine/network/packet-filtering-firewalls/' }],
    requires: ['network'],
  },
  evaluate(facts) {
    const network = facts.domains.network;
    const metadata = network.metadata;
    const host = metadata.vantages.find((vantage) => vantage.kind === 'host');
    // DMI can be customised away; a metadata service that answered the host settles which cloud this is.
    const cloud = isCloud(network.cloud.provider) ? network.cloud.provider : host?.probes.find((probe) => probe.answered)?.cloud;
    if (cloud === undefined) return { status: 'not-applicable', reason: `not a known cloud instance (${network.cloud.provider})` };
    if (metadata.vantages.some((vantage) => vantage.kind === 'job-container' && vantage.status === 'probed')) {
      return { status: 'not-applicable', reason: 'reachability was measured from a job container (network-metadata-reachable judges it)' };
    }
    const hostProbes = host?.probes.filter((probe) => probe.cloud === cloud && probe.connect !== 'guarded') ?? [];
    if (hostProbes.length > 0 && hostProbes.every((probe) => !probe.answered && probe.exchanges.length === 0)) {
      return { status: 'pass' };
    }
    const addresses = METADATA_ENDPOINTS.filter((endpoint) => endpoint.cloud === cloud).map((endpoint) => endpoint.host);
    const guarded = addresses.filter((address) =>
      network.firewall.metadataRules.some((rule) => rule.covers.includes(address) && rule.hooks.some((hook) => CONTAINER_HOOKS.has(hook))),
    );
    const unguarded = addresses.filter((address) => !guarded.includes(address));
    // AWS's IPv6 endpoint exists only when enabled per instance; the IPv4 one is what matters first.
    const primary = addresses[0] as string;
    if (!unguarded.includes(primary)) return { status: 'pass' };
    const why = metadata.status === 'probed' ? (metadata.jobVantageMissing ?? 'no job container namespace could be probed') : `probes ${metadata.status}`;
    return findingsOrPass([
      {
        subject: { kind: 'host', id: `metadata-firewall:${cloud}`, label: `${cloud} metadata firewall` },
        message: `this ${cloud} instance has no firewall rule dropping container traffic to ${unguarded.join(', ')}, and reachability from jobs was not measured (${why})`,
        evidence: `cloud ${cloud} (${network.cloud.evidence.join('; ') || 'its metadata service answered the host'}); ${sourcesText(network)}; ${network.firewall.metadataRules.length} metadata rule(s), none on a forward or prerouting path for ${primary}`,
      },
    ]);
  },
});
