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
