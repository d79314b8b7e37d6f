import type { RunnerConfigFile } from '../../collectors/runner/types.js';

/** Where a runner listen address ("host:port", ":9252", "[::1]:8093") accepts connections. */
export type Exposure = 'loopback' | 'all-interfaces' | 'specific';

export function hostOf(address: string): string {
  const value = address.trim();
  const bracket = /^\[([^\]]*)\](?::\d*)?$/.exec(value);
  if (bracket) return (bracket[1] as string).toLowerCase();
  const colons = value.split(':').length - 1;
  if (colons === 0) return value.toLowerCase();
  if (colons === 1) return (value.split(':')[0] as string).toLowerCase();
  return value.toLowerCase(); // bare IPv6 without port
}

export function exposure(address: string): Exposure {
  const host = hostOf(address);
  if (host === '' || host === '0.0.0.0' || host === '::' || host === '*') return 'all-interfaces';
  if (host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return 'loopback';
  return 'specific';
}

/** A listener in a parsed config that accepts connections beyond loopback. */
export interface ExposedListener {
  config: RunnerConfigFile;
  address: string;
  everywhere: boolean;
  /** "all interfaces" or the address itself, for messages. */
  listensOn: string;
}

/** The configs whose listener (read by `addressOf`) is set and reachable beyond loopback. */
export function exposedListeners(configs: readonly RunnerConfigFile[], addressOf: (config: RunnerConfigFile) => string | null): ExposedListener[] {
  return configs.flatMap((config) => {
    const address = addressOf(config);
    if (!address) return [];
    const where = exposure(address);
    if (where === 'loopback') return [];
    const everywhere = where === 'all-interfaces';
    return [{ config, address, everywhere, listensOn: everywhere ? 'all interfaces' : address }];
  });
}
