import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrivateKey } from '../../collectors/system/ssh-keys.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-keys-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));


/** Generates a key with ssh-keygen and returns its file bytes and the fingerprint ssh-keygen prints. */
function keygen(name: string, args: string[]): { head: Buffer; fingerprint: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-f', file, '-C', 'test', ...args]);
  const listed = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' });
  return { head: fs.readFileSync(file).subarray(0, 8192), fingerprint: listed.split(' ')[1] as string };
}

describe('private key recognition (oracle: ssh-keygen)', () => {
  it.each([
    { name: 'ed25519 OpenSSH, no passphrase', file: 'a', args: ['-t', 'ed25519', '-N', ''], format: 'openssh', type: 'ssh-ed25519', encrypted: false },
    { name: 'RSA OpenSSH with passphrase', file: 'b', args: ['-t', 'rsa', '-b', '2048', '-N', 'secret pass'], format: 'openssh', type: 'ssh-rsa', encrypted: true },
    { name: 'ECDSA PEM (SEC1), no passphrase', file: 'c', args: ['-t', 'ecdsa', '-N', '', '-m', 'PEM'], format: 'pem-ec', type: 'ecdsa-sha2-nistp256', encrypted: false },
    { name: 'RSA PEM (PKCS#1), no passphrase', file: 'd', args: ['-t', 'rsa', '-b', '3072', '-N', '', '-m', 'PEM'], format: 'pem-rsa', type: 'ssh-rsa', encrypted: false },
    { name: 'RSA PKCS#8, no passphrase', file: 'e', args: ['-t', 'rsa', '-b', '2048', '-N', '', '-m', 'PKCS8'], format: 'pem-pkcs8', type: 'ssh-rsa', encrypted: false },
  ])('$name: format, type, encryption and the public fingerprint ssh-keygen -l prints', ({ file, args, format, type, encrypted }) => {
    const key = keygen(file, args);
    const parsed = parsePrivateKey(key.head);
    expect(parsed).toEqual({ format, keyType: type, encrypted, publicFingerprint: key.fingerprint });
  });

  it('an encrypted PEM key is recognised as encrypted, with no fingerprint (none can be derived without the passphrase)', () => {
    const key = keygen('f', ['-t', 'rsa', '-b', '2048', '-N', 'long enough', '-m', 'PEM']);
    expect(parsePrivateKey(key.head)).toEqual({ format: 'pem-rsa', keyType: 'ssh-rsa', encrypted: true, publicFingerprint: null });
  });

  it('a key cut by the read cap is still recognised, without a fingerprint it cannot prove', () => {
    const key = keygen('g', ['-t', 'rsa', '-b', '4096', '-N', '', '-m', 'PEM']);
    expect(parsePrivateKey(key.head.subarray(0, 600))).toMatchObject({ format: 'pem-rsa', encrypted: false, publicFingerprint: null });
  });
});

describe('private key recognition without ssh-keygen', () => {
  it('finds a key that is not at the start of the file (a script with a key inside)', () => {
    const text = '#!/bin/sh\ncat > key <<EOF\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\nEOF\n';
    expect(parsePrivateKey(Buffer.from(text))).toEqual({ format: 'pem-pkcs8-encrypted', keyType: null, encrypted: true, publicFingerprint: null });
  });

  it('reads the cipher and public blob of a PuTTY key', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
    const ppk = `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: x\nPublic-Lines: 2\n${blob.toString('base64').slice(0, 40)}\n${blob.toString('base64').slice(40)}\nPrivate-Lines: 1\nAAAA\n`;
    const parsed = parsePrivateKey(Buffer.from(ppk));
    expect(parsed).toMatchObject({ format: 'putty', keyType: 'ssh-ed25519', encrypted: true });
    expect(parsed?.publicFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it.each([
    ['a public key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG test'],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
    ['random bytes', '\u0000\u00ff\u0010garbage'],
  ])('%s is not a private key', (_name, text) => {
    expect(parsePrivateKey(Buffer.from(text, 'latin1'))).toBeNull();
  });

  it('garbage after an OpenSSH header gives a recognised key with nothing derived, never a throw', () => {
    const text = '-----BEGIN OPENSSH PRIVATE KEY-----\n////AAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(parsePrivateKey(Buffer.from(text))).toEqual({ format: 'openssh', keyType: null, encrypted: false, publicFingerprint: null });
  });
});
