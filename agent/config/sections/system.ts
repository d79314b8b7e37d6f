import { z } from 'zod';

export const systemSection = z
  .strictObject({
    /** Extra build directories to judge, besides each runner's builds_dir. */
    builds_dirs: z.array(z.string().min(1)).default([]),
    /** Bounds for walking job-written trees. */
    max_walk_entries: z.number().int().positive().default(200_000),
    max_walk_depth: z.number().int().positive().max(64).default(8),
  })
  .prefault({});
