import { z } from 'zod';

export const runnerSection = z
  .strictObject({
    config_paths: z.array(z.string().min(1)).default([]).describe('Extra config.toml paths to judge, besides the default locations, running processes and the systemd unit'),
    binary: z.string().min(1).optional().describe('gitlab-runner binary whose --version is read (only a root-owned, non-writable file; searched in the usual places when unset)'),
  })
  .prefault({});
