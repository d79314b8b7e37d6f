import { z } from 'zod';

export const systemSection = z
  .strictObject({
    builds_dirs: z.array(z.string().min(1)).default([]).describe("Extra build directories to judge, besides each runner's builds_dir and cache_dir"),
    max_walk_entries: z.number().int().positive().default(200_000).describe('Directory entries one walk of a job-written tree may look at; a cut walk is reported'),
    max_walk_depth: z.number().int().positive().max(64).default(8).describe('Levels below a build dir one walk may enter'),
  })
  .prefault({});
