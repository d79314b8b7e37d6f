import { createHash, createPrivateKey } from 'node:crypto';
import type { PrivateKeyFormat } from './types.js';

/**
 * Recognises private keys from their first few kB and derives what can be said without the
 * key: format, algorithm, whether a passphrase protects it, and the public key's fingerprint.
 * Nothing read here (neither the key nor a parser's error text) leaves this module.
 */

export interface ParsedPrivateKey {
  format: PrivateKeyFormat;
  keyType: string | null;
  encrypted: boolean;
  publicFingerprint: string | null;
}

const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED |OPENSSH )?PRIVATE KEY)-----/;
const PUTTY_BEGIN = /^PuTTY-User-Key-File-[23]: *(\S+)/m;

/** OpenSSH's fingerprint of a public key blob, as `ssh-keygen -l` prints it. */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** SSH wire-format reader over a bounded buffer: every read checks its length. */
class WireReader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}

  uint32(): number | null {
    if (this.offset + 4 > this.data.length) return null;
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(): Buffer | null {
    const length = this.uint32();
    if (length === null || this.offset + length > this.data.length) return null;
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  take(length: number): Buffer | null {
    if (this.offset + length > this.data.length) return null;
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

function wireString(value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

/** An SSH mpint from unsigned big-endian bytes (leading zero added when the top bit is set). */
function wireMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return wireString((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function keyTypeOf(blob: Buffer): string | null {
  const type = new WireReader(blob).bytes();
  return type && /^[a-z0-9@.+-]{3,64}$/i.test(type.toString('latin1')) ? type.toString('latin1') : null;
}

function base64Body(text: string, begin: number): Buffer {
  const end = text.indexOf('-----END', begin);
  const body = text.slice(begin, end === -1 ? undefined : end).replace(/[^A-Za-z0-9+/=]/g, '');
  // A truncated read can cut mid-quantum; decode whole quanta only.
  return Buffer.from(body.slice(0, body.length - (body.length % 4)), 'base64');
}

/** openssh-key-v1: cipher and public key sit in the clear before the (possibly encrypted) private part. */
function parseOpenSsh(decoded: Buffer): ParsedPrivateKey {
  const magic = Buffer.from('openssh-key-v1\0');
  const unknown: ParsedPrivateKey = { format: 'openssh', keyType: null, encrypted: false, publicFingerprint: null };
  if (!decoded.subarray(0, magic.length).equals(magic)) return unknown;
  const reader = new WireReader(decoded.subarray(magic.length));
  const cipher = reader.bytes();
  reader.bytes(); // kdf name
  reader.bytes(); // kdf options
  const count = reader.uint32();
  const publicBlob = count !== null && count >= 1 ? reader.bytes() : null;
  return {
    format: 'openssh',
    keyType: publicBlob ? keyTypeOf(publicBlob) : null,
    encrypted: cipher !== null && cipher.toString('latin1') !== 'none',
    publicFingerprint: publicBlob ? sshFingerprint(publicBlob) : null,
  };
}

const CURVES: Record<string, string> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' };

/** The SSH public blob of an unencrypted PEM key, through Node's parser (errors swallowed: they could quote the key). */
function pemPublicBlob(pem: string): Buffer | null {
  let jwk: { kty?: string; crv?: string; n?: string; e?: string; x?: string; y?: string };
  try {
    jwk = createPrivateKey({ key: pem, format: 'pem' }).export({ format: 'jwk' }) as typeof jwk;
  } catch {
    return null;
  }
  const b = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'base64url');
  if (jwk.kty === 'RSA') return Buffer.concat([wireString('ssh-rsa'), wireMpint(b(jwk.e)), wireMpint(b(jwk.n))]);
  if (jwk.kty === 'EC' && jwk.crv && CURVES[jwk.crv]) {
    const curve = CURVES[jwk.crv] as string;
    return Buffer.concat([wireString(`ecdsa-sha2-${curve}`), wireString(curve), wireString(Buffer.concat([Buffer.from([4]), b(jwk.x), b(jwk.y)]))]);
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return Buffer.concat([wireString('ssh-ed25519'), wireString(b(jwk.x))]);
  return null;
}

function parsePem(text: string, label: string, start: number): ParsedPrivateKey {
  const formats: Record<string, PrivateKeyFormat> = {
    'RSA PRIVATE KEY': 'pem-rsa',
    'EC PRIVATE KEY': 'pem-ec',
    'DSA PRIVATE KEY': 'pem-dsa',
    'PRIVATE KEY': 'pem-pkcs8',
    'ENCRYPTED PRIVATE KEY': 'pem-pkcs8-encrypted',
  };
  const format = formats[label] ?? 'pem-pkcs8';
  const endMarker = `-----END ${label}-----`;
  const end = text.indexOf(endMarker, start);
  const block = end === -1 ? text.slice(start) : text.slice(start, end + endMarker.length);
  const encrypted = format === 'pem-pkcs8-encrypted' || /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(block);
  // Encrypted, or cut off by the read cap: the public half cannot be derived without the whole key.
  const blob = encrypted || end === -1 ? null : pemPublicBlob(block);
  const fallbackType: Partial<Record<PrivateKeyFormat, string>> = { 'pem-rsa': 'ssh-rsa', 'pem-dsa': 'ssh-dss' };
  return {
    format,
    keyType: blob ? keyTypeOf(blob) : (fallbackType[format] ?? (format === 'pem-ec' ? 'ecdsa' : null)),
    encrypted,
    publicFingerprint: blob ? sshFingerprint(blob) : null,
  };
}

/** PuTTY .ppk: the public blob is stored in the clear after `Public-Lines:`. */
function parsePutty(text: string, keyType: string): ParsedPrivateKey {
  const encryption = /^Encryption: *(\S+)/m.exec(text)?.[1] ?? 'none';
  const lines = /^Public-Lines: *(\d{1,3})\r?\n/m.exec(text);
  let publicFingerprint: string | null = null;
  if (lines) {
    const after = text.slice(lines.index + lines[0].length).split(/\r?\n/).slice(0, Number(lines[1])).join('');
    const blob = Buffer.from(after, 'base64');
    if (blob.length > 0 && keyTypeOf(blob) === keyType) publicFingerprint = sshFingerprint(blob);
  }
  return { format: 'putty', keyType, encrypted: encryption !== 'none', publicFingerprint };
}

/** Parses the first bytes of a file; null when it holds no private key. */
export function parsePrivateKey(head: Buffer): ParsedPrivateKey | null {
  const text = head.toString('latin1');
  const putty = PUTTY_BEGIN.exec(text);
  if (putty) return parsePutty(text, putty[1] as string);
  const pem = PEM_BEGIN.exec(text);
  if (!pem) return null;
  const label = pem[1] as string;
  const bodyStart = pem.index + pem[0].length;
  if (label === 'OPENSSH PRIVATE KEY') return parseOpenSsh(base64Body(text, bodyStart));
  return parsePem(text, label, pem.index);
}
