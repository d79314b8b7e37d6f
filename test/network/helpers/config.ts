import { configSchema, type WardenConfig } from '../../../agent/config/schema.js';
import type { CloudProvider } from '../../../collectors/network/types.js';

/** A config whose metadata targets point at stand-ins (never at a real metadata address). */
export function networkConfig(options: { mode?: 'auto' | 'always' | 'never'; targets?: { cloud: CloudProvider; url: string }[]; timeoutMs?: number } = {}): WardenConfig {
  return configSchema.parse({
    network: {
      metadata_probes: options.mode ?? 'auto',
      metadata_targets: options.targets ?? [],
      probe_timeout_ms: options.timeoutMs ?? 1500,
    },
  });
}
