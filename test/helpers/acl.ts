import { execFileSync } from 'node:child_process';

/** ACL entry tags, as the kernel stores them. */
export const USER_OBJ = 0x01;
export const USER = 0x02;
export const GROUP_OBJ = 0x04;
export const GROUP = 0x08;
export const MASK = 0x10;
export const OTHER = 0x20;

const UNDEFINED_ID = 0xffffffff;

/** The system.posix_acl_access xattr's bytes, as setfacl writes them. */
export function aclBytes(entries: [tag: number, perm: number, id?: number][]): Buffer {
  const bytes = Buffer.alloc(4 + entries.length * 8);
  bytes.writeUInt32LE(2, 0);
  entries.forEach(([tag, perm, id], index) => {
    bytes.writeUInt16LE(tag, 4 + index * 8);
    bytes.writeUInt16LE(perm, 6 + index * 8);
    bytes.writeUInt32LE(id ?? UNDEFINED_ID, 8 + index * 8);
  });
  return bytes;
}

/**
 * Sets an access ACL the way setfacl does (the acl package is not needed: Node has no xattr
 * call, Python does). Entries are sorted by tag as the kernel requires; the file's mode group
 * bits become the mask.
 */
export function setAcl(path: string, entries: [tag: number, perm: number, id?: number][]): void {
  const sorted = [...entries].sort((a, b) => a[0] - b[0] || (a[2] ?? 0) - (b[2] ?? 0));
  execFileSync('python3', ['-c', 'import os, sys; os.setxattr(sys.argv[1], "system.posix_acl_access", bytes.fromhex(sys.argv[2]), follow_symlinks=False)', path, aclBytes(sorted).toString('hex')]);
}
