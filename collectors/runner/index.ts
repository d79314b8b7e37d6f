import { defineCollector } from '../../agent/core/collector.js';

// Placeholder until issue 3 lands: reports nothing searched.
export const runnerCollector = defineCollector({
  name: 'runner-config',
  provides: 'runner',
  after: [],
  timeoutMs: 20_000,
  collect: async () => ({ searched: [] }),
  validate: (value) => (typeof value === 'object' && value !== null && Array.isArray((value as { searched?: unknown }).searched) ? null : 'expected { searched: [] }'),
});
