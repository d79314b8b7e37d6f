import { z } from 'zod';

export const scanSection = z
  .strictObject({
    root: z.string().min(1).default('/').describe('Host root every file is read under (an offline image or mounted disk); live-only facts need /'),
    collector_timeout_seconds: z.number().positive().max(600).default(30).describe('Budget of one collector; past it the collector becomes an error entry and the scan goes on'),
  })
  .prefault({});
