import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface BenchKey {
  type: 'ed25519' | 'ecdsa' | 'rsa';
  encrypted: boolean;
  privateKey: string;
  publicKey: string;
}

function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // ssh-keygen -? prints usage and exits 1: present; ENOENT: absent.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

function keySpec(index: number): { type: BenchKey['type']; encrypted: boolean } {
  const types: BenchKey['type'][] = ['ed25519', 'ed25519', 'ecdsa', 'rsa'];
  return { type: types[index % types.length] as BenchKey['type'], encrypted: index % 5 === 4 };
}

function generatedKey(dir: string, index: number): BenchKey {
  const { type, encrypted } = keySpec(index);
  const file = path.join(dir, `key-${index}`);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...bits, '-N', encrypted ? 'bench-passphrase' : '', '-C', `bench-key-${index}`, '-f', file], { stdio: 'ignore' });
  return { type, encrypted, privateKey: fs.readFileSync(file, 'utf8'), publicKey: fs.readFileSync(`${file}.pub`, 'utf8') };
}

/** Without ssh-keygen: random bytes in the OpenSSH armour, which is all a file-level scan sees. */
function syntheticKey(index: number): BenchKey {
  const { type, encrypted } = keySpec(index);
  const body = crypto.randomBytes(type === 'rsa' ? 1200 : 300).toString('base64').replace(/.{70}/g, '$&\n');
  const publicBlob = crypto.randomBytes(type === 'rsa' ? 270 : 51).toString('base64');
  const sshType = type === 'ecdsa' ? 'ecdsa-sha2-nistp256' : `ssh-${type}`;
  return {
    type,
    encrypted,
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `${sshType} ${publicBlob} bench-key-${index}\n`,
  };
}

/** `count` test keys of mixed types, every fifth one passphrase-protected. */
export function benchKeys(count: number, scratchDir: string): BenchKey[] {
  const real = hasSshKeygen();
  fs.mkdirSync(scratchDir, { recursive: true });
  return Array.from({ length: count }, (_, index) => (real ? generatedKey(scratchDir, index) : syntheticKey(index)));
}
