import { defineCollector } from '../../agent/core/collector.js';
import type { SystemFacts } from './types.js';

// Interim while issue 5 is built: the facts type is final, the collection is not yet.
function emptyFacts(): SystemFacts {
  return {
    runners: [],
    jobUsers: [],
    users: [],
    groups: [],
    dockerGroups: [],
    sudo: { files: [], rules: [], problems: [] },
    ssh: { homesSearched: [], privateKeys: [], authorizedKeys: [], sshd: null },
    credentialFiles: [],
    startupFiles: [],
    gitConfigs: [],
    buildDirs: [],
    errors: [],
  };
}

export const systemCollector = defineCollector({
  name: 'system',
  provides: 'system',
  after: ['runner'],
  timeoutMs: 20_000,
  collect: async () => emptyFacts(),
  validate: (value) => (typeof value === 'object' && value !== null && Array.isArray((value as { jobUsers?: unknown }).jobUsers) ? null : 'expected { jobUsers: [] }'),
});
