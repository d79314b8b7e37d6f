import { aclDecides } from '../../agent/lib/posix-acl.js';
import type { FileInfo } from '../../agent/lib/safe-fs.js';

/**
 * Unix permission reasoning: can this account read or change that file? Mode bits, and the
 * POSIX access ACL where file access reads them (native): with the portable access an ACL
 * grant is missed, never invented, and the facts say ACLs were not read.
 */

export interface Principal {
  name: string;
  uid: number;
  gids: readonly number[];
}

type Perm = Pick<FileInfo, 'uid' | 'gid' | 'mode' | 'acl'>;

const READ = 4;
const WRITE = 2;
const SEARCH = 1;

function allows(who: Principal, perm: Perm, bit: number): boolean {
  if (who.uid === 0) return true;
  if (perm.uid === who.uid) return ((perm.mode >> 6) & bit) !== 0;
  const byAcl = perm.acl ? aclDecides(perm.acl, who.uid, who.gids, perm.gid, bit) : undefined;
  if (byAcl !== undefined) return byAcl;
  if (!perm.acl && who.gids.includes(perm.gid)) return ((perm.mode >> 3) & bit) !== 0;
  return (perm.mode & bit) !== 0;
}

/** Every directory on the way (from / down to the parent) lets the account through. */
export function canTraverse(who: Principal, dirs: readonly Perm[]): boolean {
  return dirs.every((dir) => allows(who, dir, SEARCH));
}

export function canRead(who: Principal, dirs: readonly Perm[], file: Perm): boolean {
  return canTraverse(who, dirs) && allows(who, file, READ);
}

/**
 * Can the account change what this path holds: write the file, or (with write and search on
 * its directory) replace or create it. The sticky bit limits replacing to the owners.
 */
export function canModify(who: Principal, dirs: readonly Perm[], file: Perm | null): boolean {
  if (!canTraverse(who, dirs)) return false;
  if (file && allows(who, file, WRITE)) return true;
  const parent = dirs[dirs.length - 1];
  if (!parent || !allows(who, parent, WRITE) || !allows(who, parent, SEARCH)) return false;
  const sticky = (parent.mode & 0o1000) !== 0;
  if (!sticky || who.uid === 0 || parent.uid === who.uid) return true;
  return file === null || file.uid === who.uid;
}
