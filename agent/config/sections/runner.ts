import { z } from 'zod';

export const runnerSection = z
  .strictObject({
    /** Extra config.toml paths to judge, besides the default locations and running processes. */
    config_paths: z.array(z.string().min(1)).default([]),
    /** Path of the gitlab-runner binary whose --version is read (searched in the usual places when unset). */
    binary: z.string().min(1).optional(),
  })
  .prefault({});
