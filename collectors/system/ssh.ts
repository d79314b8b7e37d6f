import { printableBytes, safeText } from '../../agent/lib/sanitize.js';
import { walkTree, type WalkLimits } from '../../agent/lib/safe-walk.js';
import { SafeFsError, type DirHandle, type FileInfo } from '../../agent/lib/safe-fs.js';
import { canModify, canRead, type Principal } from './access.js';
import type { TreeDir } from './host-files.js';
import { parsePrivateKey } from './ssh-keys.js';
import type { AuthorizedKeysFacts, PrivateKeyFacts } from './types.js';

/** Enough for any private key header and a whole RSA-8192 PEM; keys are never larger than a few kB. */
export const KEY_READ_BYTES = 8 * 1024;
/** Files bigger than this are not keys, whatever their name: not read. */
const MAX_KEY_FILE = 64 * 1024;
/** Entries looked at in the top level of a home (keys left next to other files). */
const HOME_TOP_ENTRIES = 512;
/** Entries looked at under ~/.ssh: every small file there is read, so a planted flood must not turn into gigabytes of reads. */
const SSH_DIR_ENTRIES = 2_000;

function readableBy(principals: readonly Principal[], dirs: readonly FileInfo[], info: FileInfo): string[] {
  return principals.filter((p) => canRead(p, dirs, info)).map((p) => p.name);
}

function keyFacts(dir: DirHandle, dirs: readonly FileInfo[], name: Buffer, displayPath: string, principals: readonly Principal[]): PrivateKeyFacts | null {
  let read: ReturnType<DirHandle['readFile']>;
  try {
    const stat = dir.lstat(name);
    if (stat.type !== 'file' || stat.size === 0 || stat.size > MAX_KEY_FILE) return null;
    read = dir.readFile(name, KEY_READ_BYTES);
  } catch (error) {
    if (error instanceof SafeFsError) return null;
    throw error;
  }
  const parsed = parsePrivateKey(read.data);
  if (!parsed) return null;
  return { path: displayPath, ...parsed, owner: read.info.uid, mode: read.info.mode, readableBy: readableBy(principals, dirs, read.info) };
}

/** Private keys of any name in a home: its top level and `.ssh` (two levels). */
export async function findPrivateKeys(home: TreeDir, principals: readonly Principal[], limits: WalkLimits, errors: string[]): Promise<PrivateKeyFacts[]> {
  const keys: PrivateKeyFacts[] = [];
  const { entries, truncated } = home.handle.list(HOME_TOP_ENTRIES);
  if (truncated) errors.push(safeText(`${home.hostPath}: more than ${HOME_TOP_ENTRIES} entries, only the first were checked for keys`, 300));
  for (const entry of entries) {
    // 'other': the filesystem did not say (no d_type); keyFacts asks lstat.
    if (entry.type !== 'file' && entry.type !== 'other') continue;
    const key = keyFacts(home.handle, home.dirs, entry.name, printableBytes(Buffer.from(`${home.hostPath}/${printableBytes(entry.name)}`), 300), principals);
    if (key) keys.push(key);
  }
  const ssh = home.child('.ssh');
  if (!ssh) return keys;
  try {
    const chain: FileInfo[] = [...ssh.dirs];
    const report = await walkTree(ssh.handle, ssh.hostPath, { ...limits, maxEntries: Math.min(limits.maxEntries, SSH_DIR_ENTRIES), maxDepth: Math.min(limits.maxDepth, 2) }, {
      enter: ({ dir, depth }) => {
        chain.length = ssh.dirs.length - 1 + depth + 1;
        chain[ssh.dirs.length - 1 + depth] = dir.info();
        return 'list';
      },
      file: ({ dir, path }, name) => {
        const display = printableBytes(Buffer.concat([Buffer.from(`${ssh.hostPath}/`), ...path.map((p) => Buffer.concat([p, Buffer.from('/')])), name]), 300);
        const key = keyFacts(dir, chain, name, display, principals);
        if (key) keys.push(key);
      },
    });
    if (report.limits.length > 0) errors.push(safeText(`${ssh.hostPath}: key search cut (${report.limits.join(', ')})`, 300));
  } finally {
    ssh.close();
  }
  return keys;
}

/** authorized_keys and authorized_keys2 of a home, and who can plant a key in them. */
export function findAuthorizedKeys(home: TreeDir, user: string, principals: readonly Principal[]): AuthorizedKeysFacts[] {
  const ssh = home.child('.ssh');
  if (!ssh) return [];
  const found: AuthorizedKeysFacts[] = [];
  try {
    for (const name of ['authorized_keys', 'authorized_keys2']) {
      const read = ssh.read(name, 64 * 1024);
      if (!read) continue;
      const lines = read.data
        .toString('utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      found.push({
        path: safeText(`${ssh.hostPath}/${name}`, 300),
        user: safeText(user, 100),
        keys: lines.length,
        restricted: lines.filter((l) => /^(?:[^\s"]|"[^"]*")*?\b(?:from|command)=|^restrict\b/.test(l) && !/^(?:ssh-|ecdsa-|sk-)/.test(l)).length,
        owner: read.info.uid,
        mode: read.info.mode,
        writableBy: principals.filter((p) => canModify(p, ssh.dirs, read.info)).map((p) => p.name),
      });
    }
  } finally {
    ssh.close();
  }
  return found;
}
