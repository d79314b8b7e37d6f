import { z } from 'zod';

const probeTarget = z.strictObject({
  cloud: z.enum(['aws', 'gcp', 'azure', 'openstack', 'oracle', 'alibaba', 'digitalocean', 'hetzner']),
  /** http://host:port — replaces the cloud's real metadata address (tests point these at loopback stand-ins). */
  url: z.string().regex(/^http:\/\/[^/\s]+(?::\d+)?\/?$/, 'an http://host[:port] URL'),
});

export const networkSection = z
  .strictObject({
    /** auto: probe only the detected cloud's endpoint; always: every target; never: no traffic at all. */
    metadata_probes: z.enum(['auto', 'always', 'never']).default('auto'),
    /** Overrides of the metadata endpoints (by cloud). */
    metadata_targets: z.array(probeTarget).default([]),
    probe_timeout_ms: z.number().int().positive().max(10_000).default(2000),
  })
  .prefault({});
