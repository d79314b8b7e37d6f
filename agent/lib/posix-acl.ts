/**
 * POSIX access ACLs as Linux stores them (the `system.posix_acl_access` xattr) and how the
 * kernel applies them: a grant that mode bits do not show, such as `setfacl -m u:gitlab-runner:rw
 * /var/run/docker.sock`, is still a grant.
 */

export interface AclEntry {
  id: number;
  /** r = 4, w = 2, x = 1. */
  perm: number;
}

export interface PosixAcl {
  /** Named users (ACL_USER). */
  users: AclEntry[];
  /** Named groups (ACL_GROUP). */
  groups: AclEntry[];
  /** The owning group's entry (ACL_GROUP_OBJ). */
  groupObj: number;
  /** ACL_MASK: the most any named entry or the owning group may have; null when absent. */
  mask: number | null;
}

const VERSION = 2;
const TAG_USER = 0x02;
const TAG_GROUP_OBJ = 0x04;
const TAG_GROUP = 0x08;
const TAG_MASK = 0x10;
const ENTRY_BYTES = 8;

/** Parses the xattr's bytes; null when they are not a version-2 ACL. */
export function parsePosixAcl(bytes: Buffer): PosixAcl | null {
  if (bytes.length < 4 || (bytes.length - 4) % ENTRY_BYTES !== 0 || bytes.readUInt32LE(0) !== VERSION) return null;
  const acl: PosixAcl = { users: [], groups: [], groupObj: 0, mask: null };
  for (let offset = 4; offset < bytes.length; offset += ENTRY_BYTES) {
    const tag = bytes.readUInt16LE(offset);
    const perm = bytes.readUInt16LE(offset + 2) & 7;
    const id = bytes.readUInt32LE(offset + 4);
    if (tag === TAG_USER) acl.users.push({ id, perm });
    else if (tag === TAG_GROUP) acl.groups.push({ id, perm });
    else if (tag === TAG_GROUP_OBJ) acl.groupObj = perm;
    else if (tag === TAG_MASK) acl.mask = perm;
  }
  return acl;
}

/** What an entry's permission (a named user or group, or the owning group) allows once the mask caps it. */
export function effectivePerm(acl: PosixAcl, perm: number): number {
  return perm & (acl.mask ?? 7);
}

/**
 * The ACL's answer for an account that does not own the file, as the kernel's check goes: a
 * named-user entry decides (within the mask); else if the account is in the owning group or a
 * named group, one of those entries must grant the bit (within the mask); else undefined: the
 * "other" bits decide.
 */
export function aclDecides(acl: PosixAcl, uid: number, gids: readonly number[], fileGid: number, bit: number): boolean | undefined {
  const user = acl.users.find((entry) => entry.id === uid);
  if (user) return (effectivePerm(acl, user.perm) & bit) !== 0;
  let inGroupClass = false;
  if (gids.includes(fileGid)) {
    inGroupClass = true;
    if (effectivePerm(acl, acl.groupObj) & bit) return true;
  }
  for (const group of acl.groups) {
    if (!gids.includes(group.id)) continue;
    inGroupClass = true;
    if (effectivePerm(acl, group.perm) & bit) return true;
  }
  return inGroupClass ? false : undefined;
}
