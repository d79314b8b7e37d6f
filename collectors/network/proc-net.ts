/** Parsers for /proc/net/{tcp,tcp6,unix}: pure, so synthetic files test them. */

export interface TcpListener {
  protocol: 'tcp' | 'tcp6';
  address: string;
  port: number;
  inode: number;
}

export interface UnixListener {
  path: string;
  inode: number;
}

const TCP_LISTEN = '0A';
/** __SO_ACCEPTCON in /proc/net/unix Flags: the socket is listening. */
const SO_ACCEPTCON = 0x10000;

/** /proc/net/tcp prints each 32-bit word of an address in host (little-endian) byte order. */
function wordBytes(hex: string): number[] {
  const bytes = [0, 2, 4, 6].map((offset) => parseInt(hex.slice(offset, offset + 2), 16));
  return bytes.reverse();
}

function decodeAddress(hex: string): string | null {
  if (hex.length === 8 && /^[0-9A-Fa-f]+$/.test(hex)) return wordBytes(hex).join('.');
  if (hex.length !== 32 || !/^[0-9A-Fa-f]+$/.test(hex)) return null;
  const bytes = [0, 8, 16, 24].flatMap((offset) => wordBytes(hex.slice(offset, offset + 8)));
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((index) => (((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  // IPv4-mapped addresses read better as ::ffff:a.b.c.d.
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') return `::ffff:${bytes.slice(12).join('.')}`;
  return compressIpv6(groups);
}

/** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
function compressIpv6(groups: string[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== '0') {
      start++;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === '0') end++;
    if (end - start > bestLength && end - start >= 2) [bestStart, bestLength] = [start, end - start];
    start = end;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

/** Listening sockets of /proc/net/tcp or tcp6; malformed lines are skipped. */
export function parseProcNetTcp(text: string, protocol: 'tcp' | 'tcp6'): TcpListener[] {
  const listeners: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    if (fields.length < 10 || fields[3] !== TCP_LISTEN) continue;
    const [addressHex = '', portHex = ''] = (fields[1] ?? '').split(':');
    const address = decodeAddress(addressHex);
    const port = parseInt(portHex, 16);
    const inode = Number(fields[9]);
    if (address === null || !Number.isInteger(port) || !Number.isSafeInteger(inode)) continue;
    listeners.push({ protocol, address, port, inode });
  }
  return listeners;
}

/** Listening sockets of /proc/net/unix (abstract names shown as "@name"); unnamed listeners are skipped. */
export function parseProcNetUnix(text: string): UnixListener[] {
  const listeners: UnixListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode [Path]; the path may contain spaces.
    const match = /^\s*[0-9A-Fa-f]+:\s+[0-9A-Fa-f]+\s+[0-9A-Fa-f]+\s+([0-9A-Fa-f]+)\s+[0-9A-Fa-f]+\s+[0-9A-Fa-f]+\s+(\d+)(?:\s(.*))?$/.exec(line);
    if (!match) continue;
    const flags = parseInt(match[1] ?? '0', 16);
    const path = match[3]?.trim() ?? '';
    if ((flags & SO_ACCEPTCON) === 0 || path === '') continue;
    listeners.push({ path, inode: Number(match[2]) });
  }
  return listeners;
}
