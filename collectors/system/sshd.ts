import path from 'node:path';
import { safeText } from '../../agent/lib/sanitize.js';
import type { SshdFacts } from './types.js';
import type { SudoersSource } from './sudoers.js';

/** Files sshd reads: the same shape of access as sudoers (text by path, names in a directory). */
export type ConfigSource = SudoersSource;

const MAX_FILES = 50;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * PermitRootLogin and PasswordAuthentication as sshd resolves them: the first value wins,
 * `Include` is followed (globs in the last component), and `Match` blocks are left out
 * (they apply only to some connections).
 */
export function readSshdConfig(source: ConfigSource, mainFile = '/etc/ssh/sshd_config'): SshdFacts | null {
  const values = new Map<string, string>();
  let filesRead = 0;
  const readFile = (file: string, depth: number): boolean => {
    if (filesRead >= MAX_FILES || depth > 8) return false;
    let text: string | null;
    try {
      text = source.readFile(file);
    } catch {
      return false;
    }
    if (text === null) return false;
    filesRead++;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const match = /^(\S+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
      if (!match) continue;
      const keyword = (match[1] as string).toLowerCase();
      const value = (match[2] as string).trim();
      if (keyword === 'match') break;
      if (keyword === 'include') {
        for (const pattern of value.split(/\s+/)) includeGlob(pattern.startsWith('/') ? pattern : path.posix.join('/etc/ssh', pattern), depth);
        continue;
      }
      if (!values.has(keyword)) values.set(keyword, value.toLowerCase().split(/\s+/)[0] ?? '');
    }
    return true;
  };
  const includeGlob = (pattern: string, depth: number): void => {
    const dir = path.posix.dirname(pattern);
    const base = path.posix.basename(pattern);
    if (!/[*?]/.test(base)) {
      readFile(pattern, depth + 1);
      return;
    }
    const matcher = globToRegExp(base);
    for (const name of (source.listDir(dir) ?? []).filter((n) => matcher.test(n)).sort()) readFile(path.posix.join(dir, name), depth + 1);
  };
  if (!readFile(mainFile, 0)) return null;
  const value = (key: string): string | null => {
    const found = values.get(key);
    return found === undefined ? null : safeText(found, 40);
  };
  return { path: mainFile, permitRootLogin: value('permitrootlogin'), passwordAuthentication: value('passwordauthentication') };
}
