import type { WardenConfig } from '../../agent/config/schema.js';
import { safeErrorMessage } from '../../agent/lib/sanitize.js';
import type { ProbeTarget, RawProbe } from './http-probe.js';
import type { JobNetworks } from './jobs.js';
import { guardedProbe, planTargets, probeLimits, summariseProbe } from './probe-plan.js';
import { guardRefusal } from './probe-guard.js';
import { CLOUD_PROVIDERS, type CloudProvider, type CloudVerdict, type MetadataFacts, type MetadataProbe, type ProbeVantage, type VantageKind } from './types.js';
import { probeFromHost, probeFromNamespace } from './vantage.js';

export interface MetadataInput {
  root: string;
  config: WardenConfig;
  cloud: CloudVerdict;
  jobs: JobNetworks;
  /** nsenter binary on the live host, null when absent. */
  nsenter: string | null;
  signal: AbortSignal;
}

function isCloud(verdict: CloudVerdict): verdict is CloudProvider {
  return (CLOUD_PROVIDERS as readonly string[]).includes(verdict);
}

/** Runs the allowed targets through `run`; targets the test guard refuses become `guarded` probes. */
async function probeVantage(kind: VantageKind, targets: ProbeTarget[], run: (allowed: ProbeTarget[]) => Promise<RawProbe[]>): Promise<MetadataProbe[]> {
  const allowed = targets.filter((target) => guardRefusal(target.host, kind) === null);
  const results = allowed.length > 0 ? await run(allowed) : [];
  return targets.map((target) => {
    const index = allowed.indexOf(target);
    return index < 0 ? guardedProbe(target) : summariseProbe(results[index] as RawProbe);
  });
}

/**
 * The hop limit as the probes show it. A too-low IMDSv2 PUT hop limit drops only the token
 * answer on its way into a bridged container: the container's GET still gets its 401.
 */
function awsHopLimit(vantages: ProbeVantage[]): MetadataFacts['awsHopLimit'] {
  const tokens = (vantage: ProbeVantage) => vantage.probes.filter((probe) => probe.imds !== undefined);
  const host = vantages.find((vantage) => vantage.kind === 'host');
  const bridged = vantages.filter((vantage) => vantage.kind === 'job-container' && vantage.status === 'probed');
  if (bridged.some((vantage) => tokens(vantage).some((probe) => probe.imds?.v2Token === 'issued'))) return 'above-one';
  const hostGotToken = host !== undefined && tokens(host).some((probe) => probe.imds?.v2Token === 'issued');
  const containerDenied = bridged.some((vantage) =>
    tokens(vantage).some((probe) => probe.imds?.v2Token === 'no-answer' && probe.exchanges.some((exchange) => exchange.outcome === 'response')),
  );
  return hostGotToken && containerDenied ? 'one' : null;
}

/** Decides whether to probe, then probes from the host and from each job network namespace. */
export async function collectMetadata(input: MetadataInput): Promise<MetadataFacts> {
  const mode = input.config.network.metadata_probes;
  const idle = (status: MetadataFacts['status']): MetadataFacts => ({ mode, status, clouds: [], vantages: [], jobVantageMissing: null, awsHopLimit: null });
  if (mode === 'never') return idle('disabled');
  if (input.root !== '/') return idle('offline-root');
  const clouds = mode === 'always' ? [...CLOUD_PROVIDERS] : isCloud(input.cloud) ? [input.cloud] : [];
  if (clouds.length === 0) return idle('no-cloud-detected');

  const targets = planTargets(clouds, input.config);
  const limits = probeLimits(input.config);
  const host: Promise<ProbeVantage> = probeVantage('host', targets, (allowed) => probeFromHost(allowed, limits)).then((probes) => ({
    id: 'host',
    kind: 'host',
    jobsHere: input.jobs.hostReasons,
    status: 'probed',
    probes,
  }));
  const nsenter = input.nsenter;
  const containers: Promise<ProbeVantage>[] = nsenter
    ? input.jobs.containers.map(async (container) => {
        const base = { id: `container:${container.name}`, kind: 'job-container' as const, container, jobsHere: [`job container ${container.name} (network ${container.networkMode})`] };
        try {
          const probes = await probeVantage('job-container', targets, (allowed) => probeFromNamespace(nsenter, container.pid, allowed, limits, input.signal));
          return { ...base, status: 'probed' as const, probes };
        } catch (error) {
          return { ...base, status: 'failed' as const, error: safeErrorMessage(error), probes: [] };
        }
      })
    : [];
  const vantages = await Promise.all([host, ...containers]);
  let jobVantageMissing: string | null = null;
  if (input.jobs.containers.length === 0) jobVantageMissing = input.jobs.noContainerReason;
  else if (!nsenter) jobVantageMissing = 'nsenter is not installed';
  return { mode, status: 'probed', clouds, vantages, jobVantageMissing, awsHopLimit: awsHopLimit(vantages) };
}
