import { defineCollector } from '../../agent/core/collector.js';

// Placeholder until issue 5 lands.
export const systemCollector = defineCollector({
  name: 'system',
  provides: 'system',
  after: ['runner'],
  timeoutMs: 20_000,
  collect: async () => ({ users: [] }),
  validate: (value) => (typeof value === 'object' && value !== null && Array.isArray((value as { users?: unknown }).users) ? null : 'expected { users: [] }'),
});
