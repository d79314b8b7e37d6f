import { z } from 'zod';

export const agentSection = z
  .strictObject({
    /** node-cron expression for scheduled scans. */
    schedule: z.string().min(1).default('0 * * * *'),
    /** Random delay added to each scheduled scan, so a fleet does not scan in lockstep. */
    splay_seconds: z.number().int().min(0).max(3600).default(300),
    state_dir: z.string().min(1).default('/var/lib/runner-warden'),
  })
  .prefault({});
