import { z } from 'zod';

export const scanSection = z
  .strictObject({
    /** Host root every file is read under. */
    root: z.string().min(1).default('/'),
    /** Budget for one collector; a collector past it becomes an error entry. */
    collector_timeout_seconds: z.number().positive().max(600).default(30),
  })
  .prefault({});
