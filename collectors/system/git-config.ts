import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import { safeText } from '../../agent/lib/sanitize.js';
import type { GitConfigSetting, UrlCredentialKind } from './types.js';

/**
 * Git config files as bounded INI data. Nothing here runs git: a hostile `.git/config` can make
 * git run commands (core.fsmonitor, filters, credential helpers) as whoever invokes it.
 * `include.path` is reported, never followed.
 */

export interface GitConfigEntry {
  /** Section name, lowercased (`remote`, `url`, `core`). */
  section: string;
  /** Subsection as written (`origin`, `https://host/`), null when none. */
  subsection: string | null;
  /** Variable name, lowercased. */
  key: string;
  /** Value after unquoting; `true` for a bare key, as git treats it. */
  value: string;
  line: number;
}

const MAX_ENTRIES = 2_000;

const NEEDS_UNQUOTING = /["\\#;]/;

function unquote(raw: string): string {
  // Most values hold no quote, escape or comment: nothing to do but trim.
  if (!NEEDS_UNQUOTING.test(raw)) return raw.trim();
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[++i] as string;
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'b' ? '' : next;
    } else if (!quoted && (ch === '#' || ch === ';')) break;
    else out += ch;
  }
  return out.trim();
}

/**
 * Parses git config text; malformed lines are skipped, never fatal. With `sections` (lowercase
 * names), the variables of other sections are passed over unparsed: a walk over thousands of
 * working copies wants three sections of each.
 */
export function parseGitConfig(text: string, sections?: ReadonlySet<string>): GitConfigEntry[] {
  const entries: GitConfigEntry[] = [];
  let section = '';
  let subsection: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length && entries.length < MAX_ENTRIES; index++) {
    let line = (lines[index] as string).trim();
    const lineNumber = index + 1;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = line.startsWith('[') && /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(line);
    if (header) {
      const name = (header[1] as string).toLowerCase();
      // [section.sub] is the old spelling of [section "sub"].
      const dot = header[2] === undefined ? name.indexOf('.') : -1;
      section = dot > 0 ? name.slice(0, dot) : name;
      subsection = header[2] !== undefined ? header[2].replace(/\\(.)/g, '$1') : dot > 0 ? name.slice(dot + 1) : null;
      line = (header[3] ?? '').trim();
      if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    } else if (line.startsWith('[')) {
      // A header git would reject: what follows must not be credited to the previous section.
      section = '';
      continue;
    }
    // Continuation lines: a value ending in a backslash goes on (in a skipped section too, so
    // that a continued line is never read as a header).
    while (line.endsWith('\\') && index + 1 < lines.length) line = line.slice(0, -1) + (lines[++index] as string);
    if (section === '' || (sections && !sections.has(section))) continue;
    // Variable names are short; a runaway "name" is garbage, not a setting.
    const pair = /^([A-Za-z][A-Za-z0-9-]{0,99})\s*(?:=(.*))?$/.exec(line);
    if (!pair) continue;
    entries.push({ section, subsection, key: (pair[1] as string).toLowerCase(), value: pair[2] === undefined ? 'true' : unquote(pair[2]), line: lineNumber });
  }
  return entries;
}

/** Full dotted name as git prints it: `url.<base>.insteadof`. */
export function fullKey(entry: GitConfigEntry): string {
  return entry.subsection === null ? `${entry.section}.${entry.key}` : `${entry.section}.${entry.subsection}.${entry.key}`;
}

export interface UrlCredentials {
  kind: UrlCredentialKind;
  fingerprint: string;
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/i;

/** Credentials embedded in a URL (`scheme://user:secret@host`), classified, fingerprinted; null when none. */
export function urlCredentials(url: string): UrlCredentials | null {
  const match = USERINFO.exec(url.trim());
  if (!match) return null;
  const userinfo = match[2] as string;
  const colon = userinfo.indexOf(':');
  if (colon === -1) {
    // A bare user (git@, oauth2 tokens as user) is a credential only when it looks like a GitLab token.
    return /^(?:[a-z0-9_-]+-)?gl[a-z]{2,6}-/i.test(userinfo) ? { kind: 'gitlab-token', fingerprint: secretFingerprint(decodeURIComponentSafe(userinfo)) } : null;
  }
  const user = decodeURIComponentSafe(userinfo.slice(0, colon));
  const secret = decodeURIComponentSafe(userinfo.slice(colon + 1));
  if (secret === '') return null;
  const kind: UrlCredentialKind = user === 'gitlab-ci-token' ? 'job-token' : /^(?:[a-z0-9_-]+-)?gl[a-z]{2,6}-/i.test(secret) ? 'gitlab-token' : 'password';
  return { kind, fingerprint: secretFingerprint(secret) };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A URL for display: userinfo replaced by `***`, then sanitised. */
export function displayUrl(url: string, max = 300): string {
  return safeText(url.trim().replace(USERINFO, '$1***@'), max);
}

/** Credentials in an `http.extraHeader` value (`Authorization: Basic ...`). */
export function headerCredentials(value: string): UrlCredentials | null {
  const match = /^\s*authorization\s*:\s*\S+\s+(\S+)/i.exec(value);
  return match ? { kind: 'auth-header', fingerprint: secretFingerprint(match[1] as string) } : null;
}

const FALSE = new Set(['false', 'no', 'off', '0']);
const COMMAND_KEYS = new Set(['core.fsmonitor', 'core.sshcommand', 'core.askpass', 'core.gitproxy', 'core.pager', 'core.editor', 'sequence.editor']);

/** The settings of a system or global git config that change what git does in every later job. */
export function dangerousSettings(entries: readonly GitConfigEntry[]): GitConfigSetting[] {
  const settings: GitConfigSetting[] = [];
  const add = (entry: GitConfigEntry, risk: GitConfigSetting['risk'], value: string, credential: UrlCredentials | null = null) =>
    settings.push({ key: safeText(fullKey(entry), 200), value: displayUrl(value, 200), risk, credentialFingerprint: credential?.fingerprint ?? null, line: entry.line });
  for (const entry of entries) {
    const key = `${entry.section}.${entry.key}`;
    if (key === 'credential.helper') {
      const helper = entry.value.trim();
      if (/^store(\s|$)/.test(helper)) add(entry, 'plaintext-credentials', helper);
      else if (helper.startsWith('!') || helper.startsWith('/')) add(entry, 'runs-command', helper);
    } else if (entry.section === 'url' && (entry.key === 'insteadof' || entry.key === 'pushinsteadof')) {
      const base = entry.subsection ?? '';
      add(entry, 'url-rewrite', `${base} <- ${entry.value}`, urlCredentials(base) ?? urlCredentials(entry.value));
    } else if (key === 'core.hookspath') add(entry, 'hooks-path', entry.value);
    else if (entry.section === 'http' && entry.key === 'sslverify' && FALSE.has(entry.value.toLowerCase())) add(entry, 'tls-verify-off', entry.value);
    else if (entry.section === 'http' && entry.key === 'extraheader' && headerCredentials(entry.value)) add(entry, 'plaintext-credentials', 'Authorization: ***', headerCredentials(entry.value));
    else if (COMMAND_KEYS.has(key) || (entry.section === 'filter' && ['clean', 'smudge', 'process'].includes(entry.key)) || (entry.section === 'diff' && entry.key === 'textconv')) add(entry, 'runs-command', entry.value);
    else if ((entry.section === 'include' || entry.section === 'includeif') && entry.key === 'path') add(entry, 'include', entry.value);
    else if (key === 'safe.directory' && entry.value.trim() === '*') add(entry, 'safe-directory-any', entry.value);
  }
  return settings;
}
