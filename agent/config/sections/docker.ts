import { z } from 'zod';

export const dockerSection = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Engine socket; DOCKER_HOST in the environment wins when set. */
    socket: z.string().min(1).default('/var/run/docker.sock'),
    /** Budget for one Engine API call. */
    request_timeout_seconds: z.number().positive().max(120).default(10),
    /** Inspects in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(8),
  })
  .prefault({});
