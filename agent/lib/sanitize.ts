/**
 * Everything the agent prints or logs may come from files a hostile job wrote.
 * These helpers make such text safe for terminals, logs and reports.
 */

// C0 and C1 controls, DEL, bidi overrides/isolates, zero-width and line/paragraph separators:
// they can rewrite a terminal, forge log lines or reorder what a reviewer reads.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function stripControl(text: string): string {
  return text.replace(UNSAFE_CHARS, (ch) => (ch === '\n' || ch === '\t' ? ' ' : '\uFFFD'));
}

/** Strips unsafe characters and cuts to `max` characters (with an ellipsis). */
export function sanitize(text: string, max = 200): string {
  const clean = stripControl(text);
  return clean.length > max ? `${clean.slice(0, Math.max(0, max - 1))}…` : clean;
}

/** Byte names (file names are bytes, not UTF-8) to a printable string; invalid bytes become \xNN. */
export function printableBytes(name: Buffer, max = 200): string {
  let out = '';
  const text = name.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(name)) out = text;
  else for (const byte of name) out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  return sanitize(out, max);
}

const SECRET_PATTERNS: RegExp[] = [
  // GitLab tokens: runner auth, registration, personal/project/group access, CI job, deploy.
  /\b(?:[a-z0-9_-]+-)?(?:glrt|glrtr|glpat|glcbt|gldt|glptt|glsoat|glft|glimt|glagent|gloas|glcbt)-[A-Za-z0-9_.-]{8,}/gi,
  /\bGR1348941[A-Za-z0-9_-]{10,}/g,
  // Userinfo in URLs: https://user:secret@host
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]+(?=@)/gi,
  // key = value / key: value / "key": "value" forms for secret-like keys.
  /(?<=\b(?:token|password|passwd|secret|secretkey|secret_key|accesskey|access_key|auth|api[_-]?key|private[_-]?key|credentials?)["']?\s*[:=]\s*["']?)[^\s"',}]{3,}/gi,
  // Authorization headers.
  /(?<=\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  // PEM bodies.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // AWS access key ids.
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
];

/** Replaces anything that looks like a credential with [REDACTED]. Use on free text from the host. */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, re) => acc.replace(re, '[REDACTED]'), text);
}

/** For text shown to users or logged: redacted, control-free, bounded. */
export function safeText(text: string, max = 200): string {
  return sanitize(redactSecrets(text), max);
}

/** An error's message, made safe; parsers (TOML among them) put source lines with tokens in messages. */
export function safeErrorMessage(error: unknown, max = 300): string {
  const message = error instanceof Error ? error.message : String(error);
  return safeText(message.split('\n')[0] ?? '', max);
}
