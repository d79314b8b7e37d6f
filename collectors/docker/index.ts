import { defineCollector } from '../../agent/core/collector.js';
import { emptyDockerFacts } from './empty.js';

// Placeholder until issue 4 lands.
export const dockerCollector = defineCollector({
  name: 'docker-engine',
  provides: 'docker',
  after: [],
  timeoutMs: 20_000,
  collect: async () => emptyDockerFacts('unix:///var/run/docker.sock'),
  validate: (value) => (typeof value === 'object' && value !== null && typeof (value as { available?: unknown }).available === 'boolean' ? null : 'expected { available }'),
});
