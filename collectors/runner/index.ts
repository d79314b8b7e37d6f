import { defineCollector } from '../../agent/core/collector.js';
import type { RunnerFacts } from './types.js';

// Interim until the discovery lands (issue 3): reports an empty search in the final facts shape.
const nothingFound: RunnerFacts = {
  searched: [],
  launches: [],
  configs: [],
  errors: [],
  binary: { path: null, status: 'not-found', version: null, revision: null, message: null },
  machineIdFingerprint: null,
};

export const runnerCollector = defineCollector({
  name: 'runner-config',
  provides: 'runner',
  after: [],
  timeoutMs: 20_000,
  collect: async () => nothingFound,
  validate: (value) => (typeof value === 'object' && value !== null && Array.isArray((value as { configs?: unknown }).configs) ? null : 'expected runner facts with a configs list'),
});
