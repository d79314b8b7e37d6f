import { z } from 'zod';

const probeTarget = z.strictObject({
  cloud: z.enum(['aws', 'gcp', 'azure', 'openstack', 'oracle', 'alibaba', 'digitalocean', 'hetzner']).describe('Cloud whose metadata endpoint this replaces'),
  url: z.string().regex(/^http:\/\/[^/\s]+(?::\d+)?\/?$/, 'an http://host[:port] URL').describe('http://host[:port] probed instead of the real address'),
});

export const networkSection = z
  .strictObject({
    metadata_probes: z.enum(['auto', 'always', 'never']).default('auto').describe("auto: probe only the detected cloud's metadata endpoint (nothing on bare metal or an unknown host); always: every endpoint; never: no traffic"),
    metadata_targets: z.array(probeTarget).default([]).describe('Replacements of the metadata endpoints, by cloud'),
    probe_timeout_ms: z.number().int().positive().max(10_000).default(2000).describe('Overall deadline of one metadata probe, connect to headers'),
  })
  .prefault({});
