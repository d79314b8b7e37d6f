import { isLoopback, parseAddress, prefixContains } from './ip.js';
import { METADATA_ENDPOINTS, METADATA_HOSTNAMES } from './metadata-endpoints.js';
import type { VantageKind } from './types.js';

/** Ranges no test may ever reach: IPv4 link-local (every 169.254.x.y service), Alibaba's address, AWS's IPv6 IMDS prefix. */
const FORBIDDEN_UNDER_TEST = ['169.254.0.0/16', '100.100.100.200/32', 'fd00:ec2::/32'];

/** True inside a vitest run: the guard is then armed. */
function underTest(): boolean {
  return process.env.VITEST !== undefined;
}

/**
 * Under vitest, says why a probe target must not be contacted (null when it may be):
 * a real metadata address, a name (DNS could lead anywhere), or, from the host's own
 * namespace, anything but loopback (stand-ins elsewhere live in namespaces the test made).
 * Outside tests it allows everything: the caller decides what a live scan contacts.
 */
export function guardRefusal(host: string, vantage: VantageKind): string | null {
  if (!underTest()) return null;
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (METADATA_ENDPOINTS.some((endpoint) => endpoint.host === bare) || METADATA_HOSTNAMES.includes(bare)) return 'a real cloud metadata address';
  if (FORBIDDEN_UNDER_TEST.some((range) => prefixContains(range, bare))) return 'inside a cloud metadata range';
  if (bare !== 'localhost' && parseAddress(bare) === null) return 'a name, not an address';
  if (vantage === 'host' && !isLoopback(bare)) return 'not a loopback address, from the host namespace';
  return null;
}
