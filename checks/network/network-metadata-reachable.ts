import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import type { MetadataProbe, ProbeVantage } from '../../collectors/network/types.js';
import { describeVantage, exchangeSummary } from './describe.js';

/** A vantage whose network jobs share: a job container's namespace, or the host's when shell or host-network jobs run there. */
const carriesJobs = (vantage: ProbeVantage) => vantage.status === 'probed' && (vantage.kind === 'job-container' || vantage.jobsHere.length > 0);

function remediationFor(probe: MetadataProbe, vantage: ProbeVantage): string {
  const address = probe.target.replace(/:\d+$/, '');
  const block =
    vantage.kind === 'job-container'
      ? `drop job container traffic to ${address} (e.g. "iptables -I DOCKER-USER -d ${address} -j DROP")`
      : `jobs share the host's network here: move them to containers on a filtered network, or reject the job user's traffic to ${address} (e.g. "iptables -I OUTPUT -m owner --uid-owner gitlab-runner -d ${address} -j REJECT")`;
  const aws = probe.cloud === 'aws' ? 'Require IMDSv2 (HttpTokens=required) with a PUT response hop limit of 1, and ' : '';
  return `${aws}${block}; give the instance the least privileged role it can run with.`;
}

export const networkMetadataReachable = defineCheck({
  meta: {
    id: 'network-metadata-reachable',
    title: 'Jobs can reach the cloud metadata service',
    severity: 'high',
    category: 'network',
    rationale:
      'The instance metadata service hands the instance\'s cloud credentials to whoever asks from the instance. A job that ' +
      'reaches it can take the role attached to the runner host and act in the cloud account with it. With AWS IMDSv1 a single ' +
      'GET is enough, so any server-side request forgery in a job\'s tooling works too.',
    remediation:
      'Filter job traffic to the metadata address (DOCKER-USER chain for containers, an owner match for shell jobs), on AWS ' +
      'require IMDSv2 with a hop limit of 1, and keep the instance role minimal.',
    gitlabSection: 'network-segmentation',
    references: [
      { title: 'AWS: configure the instance metadata options', url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html' },
      { title: 'Docker: packet filtering and firewalls (DOCKER-USER)', url: 'https://docs.docker.com/engine/network/packet-filtering-firewalls/' },
    ],
    requires: ['network'],
  },
  evaluate(facts) {
    const metadata = facts.domains.network.metadata;
    if (metadata.status !== 'probed') return { status: 'not-applicable', reason: `metadata was not probed (${metadata.status})` };
    const vantages = metadata.vantages.filter(carriesJobs);
    if (vantages.length === 0) {
      const failed = metadata.vantages.find((vantage) => vantage.status === 'failed');
      const why = failed?.error ?? metadata.jobVantageMissing ?? 'no job network namespace is known';
      return { status: 'not-applicable', reason: `no job network was probed: ${why}` };
    }
    const findings: FindingDraft[] = [];
    for (const vantage of vantages) {
      for (const probe of vantage.probes.filter((candidate) => candidate.answered)) {
        const imdsV1 = probe.imds?.v1Answers === true;
        const bridgedToken = !imdsV1 && probe.imds?.v2Token === 'issued' && vantage.kind === 'job-container';
        const what = imdsV1
          ? 'AWS instance metadata without a session token (IMDSv1)'
          : probe.imds?.v2Token === 'issued'
            ? `an AWS IMDSv2 session token${bridgedToken ? ' (the PUT response hop limit is above 1)' : ''}`
            : `${probe.cloud} instance metadata`;
        findings.push({
          subject: { kind: 'endpoint', id: `${probe.cloud}:${probe.target}`, label: `${probe.cloud} metadata service at ${probe.target}` },
          key: vantage.id,
          severity: imdsV1 ? 'critical' : 'high',
          message: `jobs in ${describeVantage(vantage)} get ${what} from ${probe.target}${imdsV1 ? ' (IMDSv1: critical)' : ''}`,
          evidence: exchangeSummary(probe),
          remediation: remediationFor(probe, vantage),
        });
      }
    }
    return findingsOrPass(findings);
  },
});
