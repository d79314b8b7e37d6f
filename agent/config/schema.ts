import { z } from 'zod';
import { agentSection } from './sections/agent.js';
import { dockerSection } from './sections/docker.js';
import { networkSection } from './sections/network.js';
import { runnerSection } from './sections/runner.js';
import { scanSection } from './sections/scan.js';
import { suppressSection } from './sections/suppress.js';
import { systemSection } from './sections/system.js';

/** runner-warden's own config (TOML). Unknown keys are errors: a typo must not silently disable a control. */
export const configSchema = z.strictObject({
  scan: scanSection,
  runner: runnerSection,
  docker: dockerSection,
  system: systemSection,
  network: networkSection,
  agent: agentSection,
  suppress: suppressSection,
});

export type WardenConfig = z.output<typeof configSchema>;
export type WardenConfigInput = z.input<typeof configSchema>;

export function defaultConfig(): WardenConfig {
  return configSchema.parse({});
}
