import { z } from 'zod';

/** Where and how the agent ships its events (docs/protocol.md). Without `url` events go to the log only. */
const shipSection = z
  .strictObject({
    url: z
      .string()
      .regex(/^https?:\/\/[^\s/?#@]+(?:\/[^\s#@]*)?$/, 'an http(s)://host[:port]/path URL without credentials')
      .optional()
      .describe('Receiver URL (docs/protocol.md); unset: no shipping, no spool'),
    token_file: z.string().min(1).optional().describe('File holding the bearer token, one line (the token never goes in this config)'),
    ca_file: z.string().min(1).optional().describe("PEM CA bundle for the receiver's certificate (replaces the system CAs)"),
    cert_file: z.string().min(1).optional().describe('Client certificate (PEM) for mutual TLS; needs key_file'),
    key_file: z.string().min(1).optional().describe('Client key (PEM) for mutual TLS; needs cert_file'),
    gzip: z.boolean().default(false).describe('Compress request bodies'),
    batch_max_events: z.number().int().min(1).max(5000).default(500).describe('Events per request'),
    batch_max_bytes: z.number().int().min(4096).max(16 * 1024 * 1024).default(1024 * 1024).describe('Serialised size a batch may reach'),
    request_timeout_seconds: z.number().positive().max(300).default(30).describe('Overall deadline of one request, connect to last byte of the answer'),
    response_max_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024).describe('Largest answer read from the receiver'),
    backoff_base_seconds: z.number().positive().max(600).default(1).describe('Retry wait: random in [0, min(max, base * 2^attempt)]'),
    backoff_max_seconds: z.number().positive().max(86_400).default(300).describe('Longest retry wait, Retry-After included'),
    interval_seconds: z.number().positive().max(3600).default(5).describe('How often an idle shipper looks at the spool'),
    spool_max_bytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(4 * 1024 * 1024 * 1024)
      .default(64 * 1024 * 1024)
      .describe('Disk bound of the spool; when full the oldest events go and a spool.loss event counts them'),
    spool_segment_bytes: z
      .number()
      .int()
      .min(16 * 1024)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe('Spool segment file size (the unit dropped when full; at most a quarter of spool_max_bytes)'),
  })
  .refine((ship) => (ship.cert_file === undefined) === (ship.key_file === undefined), {
    message: 'cert_file and key_file go together',
    path: ['cert_file'],
  })
  .prefault({});

export const agentSection = z
  .strictObject({
    schedule: z.string().min(1).default('0 * * * *').describe('node-cron expression for scheduled scans (5 fields, or 6 with seconds)'),
    splay_seconds: z.number().int().min(0).max(3600).default(300).describe('Random delay added to each scheduled scan, so a fleet does not scan in lockstep'),
    state_dir: z.string().min(1).default('/var/lib/runner-warden').describe('Differential state, identity and spool (the systemd unit can write only here and to the logs dir)'),
    log_file: z.string().min(1).optional().describe('Also write the JSON log lines to this file (stdout always gets them)'),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug']).default('info').describe('Lowest level logged'),
    scan_timeout_seconds: z.number().positive().max(6 * 3600).default(600).describe('A scan child still running after this is killed and reported'),
    scan_memory_max_mb: z.number().int().min(64).max(16_384).default(320).describe('A scan child whose resident memory passes this is killed and reported (Buffers included)'),
    scan_heap_max_mb: z.number().int().min(32).max(16_384).default(160).describe('V8 heap ceiling of the scan child (--max-old-space-size)'),
    ship: shipSection,
  })
  .prefault({});
