import { defineCollector } from '../../agent/core/collector.js';

// Placeholder until issue 6 lands: the types are final, the collector is being written.
export const networkCollector = defineCollector({
  name: 'network',
  provides: 'network',
  after: ['runner', 'docker'],
  timeoutMs: 20_000,
  collect: async (ctx) => ({
    cloud: { provider: 'unknown', evidence: [], dmi: { sys_vendor: null, product_name: null, bios_vendor: null, bios_version: null, board_asset_tag: null, chassis_asset_tag: null }, hypervisorType: null, hypervisorUuidEc2: false },
    metadata: { mode: ctx.config.network.metadata_probes, status: 'disabled', clouds: [], vantages: [], jobVantageMissing: null, awsHopLimit: null },
    firewall: { sources: [], metadataRules: [] },
    sockets: { listening: [], truncated: false, ownersMapped: false },
    errors: [],
  }),
  validate: (value) => (typeof value === 'object' && value !== null && typeof (value as { cloud?: unknown }).cloud === 'object' ? null : 'expected { cloud }'),
});
