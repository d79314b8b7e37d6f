import path from 'node:path';
import { safeText } from '../../agent/lib/sanitize.js';
import type { SudoFacts, SudoRule } from './types.js';

/**
 * sudoers as sudo reads it: `#include`/`@include` files and `#includedir`/`@includedir`
 * directories (files whose names end in `~` or contain a `.` are skipped, as sudo does),
 * aliases expanded, `Defaults !authenticate` applied as NOPASSWD.
 */

export interface SudoersSource {
  /** Text of a sudoers file; null when absent. Throws for a file that exists but cannot be read safely. */
  readFile(hostPath: string): string | null;
  /** Names in a directory; null when absent. */
  listDir(hostPath: string): string[] | null;
}

const MAX_FILES = 100;
const MAX_INCLUDE_DEPTH = 8;
const MAX_RULES = 2_000;

type AliasKind = 'User_Alias' | 'Runas_Alias' | 'Host_Alias' | 'Cmnd_Alias';

interface ParseState {
  source: SudoersSource;
  facts: SudoFacts;
  aliases: Record<AliasKind, Map<string, string[]>>;
  /** Principals for whom `Defaults:<who> !authenticate` holds; '*' for a global `Defaults !authenticate`. */
  noAuthenticate: Set<string>;
}

/** Splits on commas not escaped with a backslash. */
function splitList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) current += ch + (text[++i] as string);
    else if (ch === ',') items.push(current.trim()), (current = '');
    else current += ch;
  }
  items.push(current.trim());
  return items.filter((item) => item !== '');
}

function expand(items: readonly string[], aliases: Map<string, string[]>, depth = 0): string[] {
  const out: string[] = [];
  for (const item of items) {
    const negated = item.startsWith('!');
    const name = negated ? item.slice(1).trim() : item;
    const alias = depth < 8 ? aliases.get(name) : undefined;
    if (!alias) out.push(item);
    else for (const member of expand(alias, aliases, depth + 1)) out.push(negated ? `!${member}` : member);
  }
  return out;
}

/** Joins continuation lines and drops comments, keeping `#include` and `#<uid>` user specs. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const raw = text.split(/\r?\n/);
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let current = raw[i] as string;
    while (current.endsWith('\\') && i + 1 < raw.length) current = current.slice(0, -1) + ' ' + (raw[++i] as string);
    const trimmed = current.trim();
    if (trimmed === '') continue;
    if (/^#include(dir)?\s/.test(trimmed)) {
      out.push({ text: trimmed, line });
      continue;
    }
    // A line starting with '#' is a comment, unless it is a `#uid` user spec.
    if (trimmed.startsWith('#') && !/^#\d/.test(trimmed)) continue;
    // Further on, a '#' that starts a word (and is not a #uid) begins a comment.
    out.push({ text: trimmed.replace(/\s#(?!\d).*$/, '').trim(), line });
  }
  return out.filter((entry) => entry.text !== '');
}

function parseAlias(text: string, state: ParseState): boolean {
  const match = /^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\s+(.*)$/.exec(text);
  if (!match) return false;
  const kind = (match[1] === 'Cmd_Alias' ? 'Cmnd_Alias' : match[1]) as AliasKind;
  for (const definition of (match[2] as string).split(/\s:\s/)) {
    const eq = definition.indexOf('=');
    if (eq === -1) continue;
    state.aliases[kind].set(definition.slice(0, eq).trim(), splitList(definition.slice(eq + 1)));
  }
  return true;
}

function parseDefaults(text: string, state: ParseState): boolean {
  const match = /^Defaults([:@!>]\S+)?\s+(.*)$/.exec(text);
  if (!match) return /^Defaults\b/.test(text);
  if (!/(^|[\s,])!\s*authenticate\b/.test(match[2] as string)) return true;
  const scope = match[1];
  if (scope === undefined) state.noAuthenticate.add('*');
  else if (scope.startsWith(':')) for (const who of expand(splitList(scope.slice(1)), state.aliases.User_Alias)) state.noAuthenticate.add(who);
  return true;
}

function parseRule(text: string, source: string, state: ParseState): SudoRule | null {
  const eq = text.indexOf('=');
  if (eq === -1) return null;
  const left = /^(.+?)\s+([^\s,]+(?:\s*,\s*[^\s,]+)*)$/.exec(text.slice(0, eq).trim());
  if (!left) return null;
  const principals = expand(splitList(left[1] as string), state.aliases.User_Alias);
  const runAs = new Set<string>();
  const commands: string[] = [];
  let nopasswd = false;
  let allCommands = false;
  let tagNopasswd = false;
  // Only the first host spec of `user host = cmds : host2 = cmds` is read; the rest is rare.
  for (let spec of splitList(text.slice(eq + 1).split(/\s:\s*[^\s=]+\s*=/)[0] as string)) {
    const runas = /^\(([^)]*)\)\s*/.exec(spec);
    if (runas) {
      for (const who of expand(splitList((runas[1] as string).split(':')[0] ?? ''), state.aliases.Runas_Alias)) runAs.add(who);
      spec = spec.slice(runas[0].length);
    }
    for (let tag = /^([A-Z_]+):\s*/.exec(spec); tag; tag = /^([A-Z_]+):\s*/.exec(spec)) {
      if (tag[1] === 'NOPASSWD') tagNopasswd = true;
      if (tag[1] === 'PASSWD') tagNopasswd = false;
      spec = spec.slice(tag[0].length);
    }
    for (const command of expand([spec.trim()], state.aliases.Cmnd_Alias)) {
      commands.push(safeText(command, 200));
      if (command === 'ALL') allCommands = true;
      if (tagNopasswd) nopasswd = true;
    }
  }
  return { source, principals: principals.map((p) => safeText(p, 100)), runAs: [...runAs].map((r) => safeText(r, 100)), commands: commands.slice(0, 50), nopasswd, allCommands };
}

function includeTarget(text: string, currentFile: string): { kind: 'file' | 'dir'; path: string } | null {
  const match = /^[#@]include(dir)?\s+(.+)$/.exec(text);
  if (!match) return null;
  let target = (match[2] as string).trim().replace(/^"(.*)"$/, '$1');
  if (!target.startsWith('/')) target = path.posix.join(path.posix.dirname(currentFile), target);
  return { kind: match[1] ? 'dir' : 'file', path: target };
}

function parseFile(hostPath: string, depth: number, state: ParseState): void {
  if (state.facts.files.length >= MAX_FILES) {
    state.facts.problems.push(`more than ${MAX_FILES} sudoers files: the rest were not read`);
    return;
  }
  let text: string | null;
  try {
    text = state.source.readFile(hostPath);
  } catch (error) {
    state.facts.problems.push(safeText(`${hostPath}: ${error instanceof Error ? error.message : 'unreadable'}`, 300));
    return;
  }
  if (text === null) {
    if (depth > 0) state.facts.problems.push(safeText(`${hostPath}: included but absent`, 300));
    return;
  }
  state.facts.files.push(safeText(hostPath, 300));
  for (const { text: line, line: number } of logicalLines(text)) {
    const include = includeTarget(line, hostPath);
    if (include) {
      if (depth >= MAX_INCLUDE_DEPTH) state.facts.problems.push(safeText(`${hostPath}:${number}: includes nested deeper than ${MAX_INCLUDE_DEPTH}`, 300));
      else if (include.kind === 'file') parseFile(include.path, depth + 1, state);
      else for (const name of (state.source.listDir(include.path) ?? []).filter((n) => !n.endsWith('~') && !n.includes('.')).sort()) parseFile(path.posix.join(include.path, name), depth + 1, state);
      continue;
    }
    if (parseAlias(line, state) || parseDefaults(line, state)) continue;
    const rule = parseRule(line, `${hostPath}:${number}`, state);
    if (rule && state.facts.rules.length < MAX_RULES) state.facts.rules.push({ ...rule, source: safeText(rule.source, 300) });
  }
}

/** Reads /etc/sudoers and everything it includes. */
export function readSudoers(source: SudoersSource, mainFile = '/etc/sudoers'): SudoFacts {
  const state: ParseState = {
    source,
    facts: { files: [], rules: [], problems: [] },
    aliases: { User_Alias: new Map(), Runas_Alias: new Map(), Host_Alias: new Map(), Cmnd_Alias: new Map() },
    noAuthenticate: new Set(),
  };
  parseFile(mainFile, 0, state);
  // Defaults apply whatever their position relative to the rules.
  for (const rule of state.facts.rules) {
    if (state.noAuthenticate.has('*') || rule.principals.some((p) => state.noAuthenticate.has(p))) rule.nopasswd = true;
  }
  return state.facts;
}
