import { defineCollector } from '../../agent/core/collector.js';

// Placeholder until issue 6 lands.
export const networkCollector = defineCollector({
  name: 'network',
  provides: 'network',
  after: ['runner', 'docker'],
  timeoutMs: 20_000,
  collect: async () => ({ cloud: 'unknown' }),
  validate: (value) => (typeof value === 'object' && value !== null && typeof (value as { cloud?: unknown }).cloud === 'string' ? null : 'expected { cloud }'),
});
