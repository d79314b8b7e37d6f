import type { Facts } from '../../../agent/core/facts.js';
import type { FactsWith } from '../../../agent/core/check.js';
import type { ListeningSocket, MetadataFirewallRule, MetadataProbe, NetworkFacts, ProbeVantage } from '../../../collectors/network/types.js';

/** Network facts of a quiet host: no cloud, nothing probed, nothing listening. Tests override parts. */
export function networkFacts(overrides: Partial<NetworkFacts> = {}): NetworkFacts {
  return {
    cloud: { provider: 'none', evidence: [], dmi: { sys_vendor: null, product_name: null, bios_vendor: null, bios_version: null, board_asset_tag: null, chassis_asset_tag: null }, hypervisorType: null, hypervisorUuidEc2: false },
    metadata: { mode: 'auto', status: 'no-cloud-detected', clouds: [], vantages: [], jobVantageMissing: null, awsHopLimit: null },
    firewall: { sources: [{ tool: 'iptables-save', path: '/usr/sbin/iptables-save', status: 'read', truncated: false }], metadataRules: [] },
    sockets: { observed: true, listening: [], truncated: false, ownersMapped: true },
    errors: [],
    ...overrides,
  };
}

export function awsCloud(): NetworkFacts['cloud'] {
  return { ...networkFacts().cloud, provider: 'aws', evidence: ['sys_vendor = "Amazon EC2"'] };
}

export function asFacts(network: NetworkFacts): FactsWith<'network'> {
  const facts: Facts = {
    schemaVersion: 1,
    tool: { name: 'runner-warden', version: 'test' },
    host: { hostname: 'runner-01', machineId: null },
    root: '/',
    collectedAt: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:00:01.000Z' },
    collectors: [],
    domains: { network },
  };
  return facts as FactsWith<'network'>;
}

/** A probe of AWS IMDS: `v1` answers without a token, `token` is the PUT's fate. */
export function imdsProbe(v1: boolean, token: 'issued' | 'refused' | 'no-answer'): MetadataProbe {
  return {
    cloud: 'aws',
    target: '169.254.169.254:80',
    overridden: false,
    connect: 'connected',
    exchanges: [
      { request: 'GET /latest/meta-data/', outcome: 'response', status: v1 ? 200 : 401, headers: {}, durationMs: 3 },
      { request: 'PUT /latest/api/token', outcome: token === 'no-answer' ? 'timeout' : 'response', status: token === 'issued' ? 200 : token === 'refused' ? 403 : null, headers: {}, durationMs: 3 },
    ],
    answered: v1 || token === 'issued',
    imds: { v1Answers: v1, v2Token: token },
    durationMs: 6,
  };
}

export function gcpProbe(answered: boolean): MetadataProbe {
  return {
    cloud: 'gcp',
    target: '169.254.169.254:80',
    overridden: false,
    connect: answered ? 'connected' : 'timeout',
    exchanges: answered ? [{ request: 'GET /computeMetadata/v1/', outcome: 'response', status: 200, headers: { 'metadata-flavor': 'Google' }, durationMs: 2 }] : [],
    answered,
    durationMs: 2,
  };
}

export function hostVantage(probes: MetadataProbe[], jobsHere: string[] = []): ProbeVantage {
  return { id: 'host', kind: 'host', jobsHere, status: 'probed', probes };
}

export function containerVantage(probes: MetadataProbe[], status: 'probed' | 'failed' = 'probed'): ProbeVantage {
  const container = { name: 'runner-x-build', id: 'c0ffee000001', pid: 4242, networkMode: 'bridge' };
  return { id: `container:${container.name}`, kind: 'job-container', container, jobsHere: [`job container ${container.name} (network bridge)`], status, probes, ...(status === 'failed' ? { error: 'probe child exited with 1: nsenter: cannot open /proc/4242/ns/net' } : {}) };
}

export function probed(vantages: ProbeVantage[], jobVantageMissing: string | null = null): NetworkFacts['metadata'] {
  return { mode: 'auto', status: 'probed', clouds: ['aws'], vantages, jobVantageMissing, awsHopLimit: null };
}

export function guardRule(overrides: Partial<MetadataFirewallRule> = {}): MetadataFirewallRule {
  return {
    tool: 'iptables',
    table: 'filter',
    chain: 'DOCKER-USER',
    hooks: ['forward'],
    action: 'drop',
    destination: '169.254.169.254/32',
    covers: ['169.254.169.254'],
    source: null,
    inInterface: 'docker0',
    text: '-A DOCKER-USER -d 169.254.169.254/32 -i docker0 -j DROP',
    ...overrides,
  };
}

export function listener(overrides: Partial<ListeningSocket>): ListeningSocket {
  return { protocol: 'tcp', address: '0.0.0.0', port: 2375, scope: 'all-interfaces', inode: 1, owners: [{ pid: 10, command: 'dockerd' }], role: 'docker-api', ...overrides };
}
