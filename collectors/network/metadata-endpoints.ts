import type { CloudProvider } from './types.js';

/**
 * THE list of real cloud metadata endpoints: the only place they are written down.
 * Nothing but a live scan in probe mode auto/always contacts them; tests point
 * `network.metadata_targets` at stand-ins, and `probe-guard.ts` refuses these under vitest.
 * IP literals, not names, so a probe never depends on (or leaks to) DNS; the name a
 * provider documents goes in the Host header.
 */
export interface MetadataEndpoint {
  cloud: CloudProvider;
  /** IP literal contacted. */
  host: string;
  port: number;
  /** Host header the provider documents. */
  hostHeader: string;
}

export const METADATA_ENDPOINTS: readonly MetadataEndpoint[] = [
  { cloud: 'aws', host: '169.254.169.254', port: 80, hostHeader: '169.254.169.254' },
  // IMDS over IPv6, enabled per instance on Nitro.
  { cloud: 'aws', host: 'fd00:ec2::254', port: 80, hostHeader: '[fd00:ec2::254]' },
  { cloud: 'gcp', host: '169.254.169.254', port: 80, hostHeader: 'metadata.google.internal' },
  { cloud: 'azure', host: '169.254.169.254', port: 80, hostHeader: '169.254.169.254' },
  { cloud: 'openstack', host: '169.254.169.254', port: 80, hostHeader: '169.254.169.254' },
  { cloud: 'oracle', host: '169.254.169.254', port: 80, hostHeader: '169.254.169.254' },
  { cloud: 'alibaba', host: '100.100.100.200', port: 80, hostHeader: '100.100.100.200' },
  { cloud: 'digitalocean', host: '169.254.169.254', port: 80, hostHeader: '169.254.169.254' },
  { cloud: 'hetzner', host: '169.254.169.254', port: 80, hostHeader: '169.254.169.254' },
];

/** Names the providers give their metadata services: never resolved, only refused by the test guard. */
export const METADATA_HOSTNAMES: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata'];

/** Every metadata address, for judging whether a firewall rule covers them. */
export const METADATA_ADDRESSES: readonly string[] = [...new Set(METADATA_ENDPOINTS.map((endpoint) => endpoint.host))];
