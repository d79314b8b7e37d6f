import net from 'node:net';

/** An address as a number and its family, for prefix arithmetic. */
interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint {
  // An embedded IPv4 tail (::ffff:127.0.0.1) becomes its two 16-bit groups.
  const body = text.replace(/(\d+\.\d+\.\d+\.\d+)$/, (v4) => {
    const value = parseIpv4(v4);
    return `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  });
  const [head = '', rest] = body.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => BigInt(parseInt(group, 16))));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const zeros = Array<bigint>(8 - left.length - right.length).fill(0n);
  return [...left, ...zeros, ...right].reduce((acc, group) => (acc << 16n) | group, 0n);
}

/** Parses an IP literal (IPv6 with or without brackets); null when it is not one. */
export function parseAddress(text: string): ParsedAddress | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return { family: 4, value: parseIpv4(bare) };
  if (family === 6) return { family: 6, value: parseIpv6(bare) };
  return null;
}

/** Whether `prefix` ("a.b.c.d/n", "x::/n" or a bare address) contains `address`. */
export function prefixContains(prefix: string, address: string): boolean {
  const [base = '', lengthText] = prefix.split('/');
  const network = parseAddress(base);
  const target = parseAddress(address);
  if (!network || !target || network.family !== target.family) return false;
  const bits = network.family === 4 ? 32 : 128;
  const length = lengthText === undefined ? bits : Number(lengthText);
  if (!Number.isInteger(length) || length < 0 || length > bits) return false;
  const shift = BigInt(bits - length);
  return network.value >> shift === target.value >> shift;
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for, else the address itself. */
function unmapped(address: string): string {
  const parsed = parseAddress(address);
  if (parsed?.family === 6 && parsed.value >> 32n === 0xffffn) {
    const v4 = parsed.value & 0xffffffffn;
    return [24n, 16n, 8n, 0n].map((shift) => String((v4 >> shift) & 0xffn)).join('.');
  }
  return address;
}

export function isLoopback(address: string): boolean {
  const plain = unmapped(address.replace(/^\[(.*)\]$/, '$1'));
  return plain === 'localhost' || prefixContains('127.0.0.0/8', plain) || prefixContains('::1/128', plain);
}

/** 0.0.0.0 or :: (every interface). */
export function isWildcard(address: string): boolean {
  const parsed = parseAddress(address);
  return parsed !== null && parsed.value === 0n;
}
