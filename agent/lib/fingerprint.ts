import { createHash, createHmac } from 'node:crypto';

/**
 * Fingerprint of a secret (runner token, registry credential, key material).
 * Deterministic and host-independent, so a central view can see one token on two hosts
 * (a cloned runner), but never the secret: HMAC-SHA256 under a fixed, versioned key,
 * cut to 64 bits. Only high-entropy secrets should be fingerprinted: a short password
 * could be guessed from its hash, so for those record presence only.
 */
const FINGERPRINT_KEY = 'runner-warden/secret-fingerprint/v1';

export function secretFingerprint(secret: string | Buffer): string {
  return `fp1:${createHmac('sha256', FINGERPRINT_KEY).update(secret).digest('hex').slice(0, 16)}`;
}

/** Stable short hash of non-secret identifying parts (finding fingerprints, idempotency keys). */
export function stableHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex').slice(0, 32);
}
