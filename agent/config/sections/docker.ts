import { z } from 'zod';

export const dockerSection = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Talk to the Docker engine at all'),
    socket: z.string().min(1).default('/var/run/docker.sock').describe('Engine socket; DOCKER_HOST in the environment wins when set'),
    request_timeout_seconds: z.number().positive().max(120).default(10).describe('Budget of one Engine API call'),
    concurrency: z.number().int().min(1).max(64).default(8).describe('Container inspects in flight at once'),
  })
  .prefault({});
