import { z } from 'zod';

export const scanSection = z
  .strictObject({
    root: z.string().min(1).default('/').describe('Host root every file is read under (an offline image or mounted disk); live-only facts need /'),
    file_access: z
      .enum(['auto', 'native', 'portable'])
      .default('auto')
      .describe('How files are reached under the root: native (openat, from the addon `npm run build` compiles when a C compiler is there), portable (/proc/self/fd paths, pure Node, slower on big build dirs), or auto (native when built)'),
    collector_timeout_seconds: z.number().positive().max(600).default(30).describe('Budget of one collector; past it the collector becomes an error entry and the scan goes on'),
  })
  .prefault({});
