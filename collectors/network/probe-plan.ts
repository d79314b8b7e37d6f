import type { WardenConfig } from '../../agent/config/schema.js';
import { safeText } from '../../agent/lib/sanitize.js';
import type { ProbeLimits, ProbeRequest, ProbeTarget, RawProbe } from './http-probe.js';
import { METADATA_ENDPOINTS } from './metadata-endpoints.js';
import type { CloudProvider, ImdsProbe, MetadataProbe } from './types.js';

/**
 * What is asked of each cloud's service: the smallest documented request that proves a
 * caller gets metadata, with the header the provider demands. Paths point at listings or ids,
 * never at credentials; the answers' bodies are not read anyway.
 */
const REQUESTS: Record<CloudProvider, ProbeRequest[]> = {
  aws: [
    { role: 'imds-v1', method: 'GET', path: '/latest/meta-data/', headers: [] },
    { role: 'imds-v2-token', method: 'PUT', path: '/latest/api/token', headers: [['X-aws-ec2-metadata-token-ttl-seconds', '60']] },
  ],
  gcp: [{ role: 'metadata', method: 'GET', path: '/computeMetadata/v1/', headers: [['Metadata-Flavor', 'Google']] }],
  azure: [{ role: 'metadata', method: 'GET', path: '/metadata/instance/compute/vmId?api-version=2021-02-01&format=text', headers: [['Metadata', 'true']] }],
  openstack: [{ role: 'metadata', method: 'GET', path: '/openstack/', headers: [] }],
  oracle: [{ role: 'metadata', method: 'GET', path: '/opc/v2/instance/id', headers: [['Authorization', 'Bearer Oracle']] }],
  alibaba: [{ role: 'metadata', method: 'GET', path: '/latest/meta-data/', headers: [] }],
  digitalocean: [{ role: 'metadata', method: 'GET', path: '/metadata/v1/id', headers: [] }],
  hetzner: [{ role: 'metadata', method: 'GET', path: '/hetzner/v1/metadata/instance-id', headers: [] }],
};

/** Response headers worth keeping: they identify the service and carry no credential. */
const KEPT_HEADERS = ['server', 'content-type', 'metadata-flavor', 'x-aws-ec2-metadata-token-ttl-seconds'];

export function probeLimits(config: WardenConfig): ProbeLimits {
  return { timeoutMs: config.network.probe_timeout_ms, maxHeadBytes: 8192, keepHeaders: KEPT_HEADERS };
}

function targetFromUrl(cloud: CloudProvider, url: string): ProbeTarget {
  const parsed = new URL(url);
  return {
    cloud,
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? 80 : Number(parsed.port),
    hostHeader: parsed.host,
    overridden: true,
    requests: REQUESTS[cloud],
  };
}

/** The targets for these clouds: `network.metadata_targets` entries replace a cloud's built-in endpoints. */
export function planTargets(clouds: readonly CloudProvider[], config: WardenConfig): ProbeTarget[] {
  return clouds.flatMap((cloud) => {
    const overrides = config.network.metadata_targets.filter((target) => target.cloud === cloud);
    if (overrides.length > 0) return overrides.map((target) => targetFromUrl(cloud, target.url));
    return METADATA_ENDPOINTS.filter((endpoint) => endpoint.cloud === cloud).map((endpoint) => ({
      cloud,
      host: endpoint.host,
      port: endpoint.port,
      hostHeader: endpoint.hostHeader,
      overridden: false,
      requests: REQUESTS[cloud],
    }));
  });
}

function formatTarget(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const isSuccess = (status: number | null) => status !== null && status >= 200 && status < 300;

function imdsOf(raw: RawProbe): ImdsProbe {
  const v1 = raw.exchanges.find((exchange) => exchange.role === 'imds-v1');
  const token = raw.exchanges.find((exchange) => exchange.role === 'imds-v2-token');
  let v2Token: ImdsProbe['v2Token'] = 'not-tried';
  if (token?.outcome === 'response') v2Token = isSuccess(token.status) ? 'issued' : 'refused';
  else if (token) v2Token = 'no-answer';
  return { v1Answers: isSuccess(v1?.status ?? null), v2Token };
}

/** Turns what a probe saw into facts: sanitised headers, and whether metadata was handed out. */
export function summariseProbe(raw: RawProbe): MetadataProbe {
  const exchanges = raw.exchanges.map(({ role: _role, ...exchange }) => ({
    ...exchange,
    request: safeText(exchange.request, 120),
    headers: Object.fromEntries(Object.entries(exchange.headers).map(([name, value]) => [safeText(name, 60), safeText(value, 120)])),
  }));
  const probe: MetadataProbe = {
    cloud: raw.cloud,
    target: formatTarget(raw.host, raw.port),
    overridden: raw.overridden,
    connect: raw.connect,
    exchanges,
    answered: raw.exchanges.some((exchange) => isSuccess(exchange.status)),
    durationMs: raw.durationMs,
  };
  if (raw.cloud === 'aws') probe.imds = imdsOf(raw);
  return probe;
}

/** A probe the test guard stopped before any packet was sent. */
export function guardedProbe(target: ProbeTarget): MetadataProbe {
  return { cloud: target.cloud, target: formatTarget(target.host, target.port), overridden: target.overridden, connect: 'guarded', exchanges: [], answered: false, durationMs: 0 };
}
