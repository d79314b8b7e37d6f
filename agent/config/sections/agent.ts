import { z } from 'zod';

/** Where and how the agent ships its events. Without `url` events stay in logs only. */
const shipSection = z
  .strictObject({
    /** http(s) URL of the receiver (see docs/protocol.md). Unset: no shipping, no spool. */
    url: z
      .string()
      .regex(/^https?:\/\/[^\s/?#@]+(?:\/[^\s#@]*)?$/, 'an http(s)://host[:port]/path URL without credentials')
      .optional(),
    /** File holding the bearer token (the token itself never goes in this config). */
    token_file: z.string().min(1).optional(),
    /** PEM bundle of the CA(s) that sign the receiver's certificate (replaces the system CAs). */
    ca_file: z.string().min(1).optional(),
    /** Client certificate and key (PEM) for mutual TLS. Both or neither. */
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
    gzip: z.boolean().default(false),
    /** Events per request, and the serialised size a batch may reach. */
    batch_max_events: z.number().int().min(1).max(5000).default(500),
    batch_max_bytes: z.number().int().min(4096).max(16 * 1024 * 1024).default(1024 * 1024),
    /** Overall deadline of one request, connect to last byte of the answer. */
    request_timeout_seconds: z.number().positive().max(300).default(30),
    /** Largest answer read from the receiver. */
    response_max_bytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
    /** Retry backoff: a random wait in [0, min(max, base * 2^attempt)]. */
    backoff_base_seconds: z.number().positive().max(600).default(1),
    backoff_max_seconds: z.number().positive().max(86_400).default(300),
    /** How often the shipper looks at the spool when idle. */
    interval_seconds: z.number().positive().max(3600).default(5),
    /** Disk bound of the spool; when full the oldest events go and a spool.loss event counts them. */
    spool_max_bytes: z.number().int().min(64 * 1024).max(4 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
    /** Size of one spool segment file (the unit dropped when the spool is full). */
    spool_segment_bytes: z.number().int().min(16 * 1024).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
  })
  .refine((ship) => (ship.cert_file === undefined) === (ship.key_file === undefined), {
    message: 'cert_file and key_file go together',
    path: ['cert_file'],
  })
  .prefault({});

export const agentSection = z
  .strictObject({
    /** node-cron expression for scheduled scans (5 fields, or 6 with seconds). */
    schedule: z.string().min(1).default('0 * * * *'),
    /** Random delay added to each scheduled scan, so a fleet does not scan in lockstep. */
    splay_seconds: z.number().int().min(0).max(3600).default(300),
    state_dir: z.string().min(1).default('/var/lib/runner-warden'),
    /** Also write the JSON log lines to this file (stdout always gets them). */
    log_file: z.string().min(1).optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug']).default('info'),
    /** A scan child still running after this is killed and reported. */
    scan_timeout_seconds: z.number().positive().max(6 * 3600).default(600),
    /** A scan child whose resident memory passes this is killed and reported (Buffers included). */
    scan_memory_max_mb: z.number().int().min(64).max(16_384).default(320),
    /** V8 heap ceiling of the scan child (--max-old-space-size). */
    scan_heap_max_mb: z.number().int().min(32).max(16_384).default(160),
    ship: shipSection,
  })
  .prefault({});
