import { defineCollector } from '../../agent/core/collector.js';

// Placeholder until issue 4 lands.
export const dockerCollector = defineCollector({
  name: 'docker-engine',
  provides: 'docker',
  after: [],
  timeoutMs: 20_000,
  collect: async () => ({ available: false }),
  validate: (value) => (typeof value === 'object' && value !== null && typeof (value as { available?: unknown }).available === 'boolean' ? null : 'expected { available }'),
});
