import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import type { TokenFacts, TokenKind } from './types.js';

const ENV_REFERENCE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;
// Shapes seen in published configs where the real token was removed before sharing.
const PLACEHOLDER = /^(?:|x+|\*+|\.+|-+|_+|<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\}|(?:your[_-]?|runner[_-]?|my[_-]?)?(?:token|secret|redacted|changeme|placeholder)(?:[_-]?here)?|xxx.*|REPLACE.*|TODO.*)$/i;

/** `$VAR`/`${VAR}`: the runner expands these at load time (url and token only). */
export function envReference(value: string): string | null {
  const match = ENV_REFERENCE.exec(value.trim());
  return match ? ((match[1] ?? match[2]) as string) : null;
}

export function tokenKind(token: string): TokenKind {
  const value = token.trim();
  if (envReference(value)) return 'env-reference';
  if (PLACEHOLDER.test(value)) return 'placeholder';
  if (/^GR1348941[A-Za-z0-9_-]{10,}$/.test(value)) return 'registration';
  if (/^(?:[a-z0-9_-]+-)?glrtr-[A-Za-z0-9_.-]{8,}$/i.test(value)) return 'glrtr';
  if (/^(?:[a-z0-9_-]+-)?glrt-[A-Za-z0-9_.-]{8,}$/i.test(value) || /^t[123]_[A-Za-z0-9_-]{8,}$/.test(value)) return 'glrt';
  if (/^[A-Za-z0-9_-]{20}$/.test(value) || /^[0-9a-f]{30}$/.test(value)) return 'legacy';
  return 'unknown';
}

// gitlab-runner's helpers.ShortenToken: known prefixes stripped, then 9 characters. Runners
// before 16.x took the first 8 characters of the raw token; both forms appear in labels.
const SHORT_TOKEN_PREFIXES = [/^glrt-(?:t[123]_)?|^t[123]_|^glrtr-/, /^glcbt-/, /^GR[0-9A-Fa-f]{7}/];

/**
 * Fingerprints of the short forms of a token that job containers, volumes and build paths carry
 * (`com.gitlab.gitlab-runner.runner.id`), so other facts can be joined to this runner without
 * keeping any part of the token.
 */
export function shortTokenFingerprints(token: string): string[] {
  const value = token.trim();
  const current = SHORT_TOKEN_PREFIXES.reduce((rest, prefix) => rest.replace(prefix, ''), value).slice(0, 9);
  return [...new Set([current, value.slice(0, 8)])].filter((short) => short.length > 0).map((short) => secretFingerprint(short));
}

/** `token_obtained_at`/`token_expires_at` as ISO strings; the runner's zero time means "never". */
function isoTime(value: unknown): string | null {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1) return null;
  return date.toISOString();
}

export function tokenFacts(token: unknown, obtainedAt: unknown, expiresAt: unknown): TokenFacts | null {
  if (typeof token !== 'string') return null;
  const kind = tokenKind(token);
  const secret = kind !== 'env-reference' && kind !== 'placeholder';
  return {
    kind,
    fingerprint: secret ? secretFingerprint(token.trim()) : null,
    shortTokenFingerprints: secret ? shortTokenFingerprints(token) : [],
    envVariable: kind === 'env-reference' ? envReference(token) : null,
    obtainedAt: isoTime(obtainedAt),
    expiresAt: isoTime(expiresAt),
  };
}
