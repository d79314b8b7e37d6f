import { defineCollector } from '../../agent/core/collector.js';
import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import { readTextUnderRoot } from '../../agent/lib/safe-fs.js';
import { sanitize } from '../../agent/lib/sanitize.js';
import { loadAccounts } from './accounts.js';
import { readConfigFile } from './config-file.js';
import { DEFAULT_CONFIG_PATHS, discoverProcesses, discoverUnit, homeConfigPaths, probe } from './discovery.js';
import type { DiscoverySource, RunnerConfigFile, RunnerFacts, RunnerFileError, SearchedLocation } from './types.js';
import { runnerBinary } from './version.js';

/** The machine-id the runner derives its system id from (it reads the dbus copy first). */
function readMachineId(root: string): string | null {
  for (const file of ['/var/lib/dbus/machine-id', '/etc/machine-id']) {
    try {
      const value = readTextUnderRoot(root, file, { maxBytes: 4096 })?.trim();
      if (value) return value;
    } catch {
      // Unreadable: try the other copy.
    }
  }
  return null;
}

export const runnerCollector = defineCollector({
  name: 'runner-config',
  provides: 'runner',
  after: [],
  timeoutMs: 20_000,
  async collect(ctx): Promise<RunnerFacts> {
    const { root, signal } = ctx;
    const searched: SearchedLocation[] = [];
    const accounts = loadAccounts(root);
    const machineId = readMachineId(root);

    const launches = discoverProcesses(root, accounts, searched, signal);
    const unit = discoverUnit(root, accounts, searched);
    if (unit) launches.push(unit);

    // Every candidate path with every reason it was looked at, in a stable order.
    const candidates = new Map<string, DiscoverySource[]>();
    const add = (hostPath: string, source: DiscoverySource): void => {
      const sources = candidates.get(hostPath) ?? [];
      if (!sources.includes(source)) sources.push(source);
      candidates.set(hostPath, sources);
    };
    for (const hostPath of [...DEFAULT_CONFIG_PATHS, ...homeConfigPaths(root, searched)]) add(hostPath, 'default-path');
    for (const launch of launches) add(launch.configPath, launch.source === 'process' ? 'process' : 'systemd-unit');
    for (const hostPath of ctx.config.runner.config_paths) add(hostPath, 'warden-config');

    const configs: RunnerConfigFile[] = [];
    const errors: RunnerFileError[] = [];
    for (const [hostPath, foundBy] of candidates) {
      if (signal.aborted) break;
      const outcome = probe(root, hostPath);
      searched.push({ path: sanitize(hostPath, 400), purpose: 'config', source: foundBy[0] as DiscoverySource, outcome });
      if (outcome === 'absent') continue;
      const result = await readConfigFile(hostPath, foundBy, { root, accounts, launches, machineId });
      configs.push(result.config);
      errors.push(...result.errors);
      // Position and class only: parser messages quote source lines, tokens included.
      for (const error of result.errors) ctx.log.warn({ path: error.path, line: error.line, kind: error.kind }, 'runner config not fully judged');
    }

    const unitBinaries = launches.filter((l) => l.source === 'systemd-unit').map((l) => l.binaryPath ?? '');
    const binary = await runnerBinary(root, ctx.config.runner.binary, unitBinaries, searched, signal);
    ctx.log.debug({ configs: configs.length, launches: launches.length, errors: errors.length }, 'runner configs collected');
    return { searched, launches, configs, errors, binary, machineIdFingerprint: machineId ? secretFingerprint(machineId) : null };
  },
  validate(value) {
    if (typeof value !== 'object' || value === null) return 'expected an object';
    const facts = value as Partial<Record<keyof RunnerFacts, unknown>>;
    for (const key of ['searched', 'launches', 'configs', 'errors'] as const) if (!Array.isArray(facts[key])) return `${key} must be a list`;
    if (typeof facts.binary !== 'object' || facts.binary === null) return 'binary must be an object';
    return null;
  },
});
