import fs from 'node:fs';
import os from 'node:os';
import { toFileInfo, typeFromMode, type FileInfo, type FileType } from './file-info.js';
import { nativeAddon, type NativeAddon } from './native-addon.js';
import { parsePosixAcl, type PosixAcl } from './posix-acl.js';

/**
 * The calls safe-fs makes against an open directory: open, lstat and readlink of one child, and
 * listing its entries.
 *
 * - native: openat/fstatat/readlinkat from the native addon (native/dir-access.c, see
 *   native-addon.ts), built by `npm run build` when a C compiler is there.
 * - portable: the same through /proc/self/fd/N/name, which Node can do on its own. The kernel
 *   resolves the magic link to the very directory the fd holds, so the result is the same, but
 *   every call pays for a walk through procfs: about twice the cost per call on a VM.
 *
 * Both take one path component (the caller checks it) and never follow the child itself, and
 * both list a directory through a new open of it, never by its path.
 * Errors are thrown as errno-coded errors (`.code` = 'ENOENT', ...), as Node's fs throws them.
 */

export type FileAccessMode = 'native' | 'portable';
export type FileAccessSetting = 'auto' | FileAccessMode;

export interface DirEntry {
  /** The name's bytes (non-UTF-8 names stay distinct). */
  name: Buffer;
  /** As the directory says (d_type); 'other' when the filesystem does not say. */
  type: FileType;
}

export interface DirSyscalls {
  readonly mode: FileAccessMode;
  open(dirFd: number, name: Buffer, flags: number): number;
  /** null when the child does not exist. */
  lstat(dirFd: number, name: Buffer): FileInfo | null;
  readlink(dirFd: number, name: Buffer): string;
  /** Up to maxEntries entries of the directory, "." and ".." left out. */
  list(dirFd: number, maxEntries: number): { entries: DirEntry[]; truncated: boolean };
  /**
   * The extended access ACL of child `name` of dirFd (not followed), or of the open file fd
   * itself (name null); null when there is none, or when it cannot be read: Node has no call
   * for xattrs, so the portable way never reads one (`readsAcls` says which).
   */
  acl(fd: number, name: Buffer | null): PosixAcl | null;
  readonly readsAcls: boolean;
}

function direntType(dirent: fs.Dirent): FileType {
  if (dirent.isFile()) return 'file';
  if (dirent.isDirectory()) return 'dir';
  if (dirent.isSymbolicLink()) return 'symlink';
  if (dirent.isFIFO()) return 'fifo';
  if (dirent.isSocket()) return 'socket';
  if (dirent.isCharacterDevice()) return 'char';
  if (dirent.isBlockDevice()) return 'block';
  return 'other';
}

function listPortable(dirFd: number, maxEntries: number): { entries: DirEntry[]; truncated: boolean } {
  // A new open of the directory (the magic link resolves to the fd's own), read a batch at a time.
  const dir = fs.opendirSync(`/proc/self/fd/${dirFd}`, { encoding: 'buffer' as BufferEncoding, bufferSize: 256 });
  const entries: DirEntry[] = [];
  try {
    for (let dirent = dir.readSync(); dirent; dirent = dir.readSync()) {
      if (entries.length >= maxEntries) return { entries, truncated: true };
      entries.push({ name: Buffer.from(dirent.name as unknown as Buffer), type: direntType(dirent) });
    }
  } finally {
    dir.closeSync();
  }
  return { entries, truncated: false };
}

const portable: DirSyscalls = {
  mode: 'portable',
  // O_NOFOLLOW whatever the caller asked, as native/dir-access.c does.
  open: (dirFd, name, flags) => fs.openSync(procPath(dirFd, name), flags | fs.constants.O_NOFOLLOW),
  lstat: (dirFd, name) => {
    const stats = fs.lstatSync(procPath(dirFd, name), { throwIfNoEntry: false });
    return stats ? toFileInfo(stats) : null;
  },
  readlink: (dirFd, name) => fs.readlinkSync(procPath(dirFd, name), 'utf8'),
  list: listPortable,
  acl: () => null,
  readsAcls: false,
};

function procPath(dirFd: number, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`/proc/self/fd/${dirFd}/`), name]);
}

const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, value]) => [value, name]));

/** 'ENOENT' for 2, and so on. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

function errnoError(negative: number, call: string): NodeJS.ErrnoException {
  const code = errnoName(-negative);
  return Object.assign(new Error(`${call}: ${code}`), { code, errno: negative, syscall: call });
}

/** d_type values (dirent.h) by what they mean. */
const D_TYPES: ReadonlyMap<number, FileType> = new Map([
  [1, 'fifo'],
  [2, 'char'],
  [4, 'dir'],
  [6, 'block'],
  [8, 'file'],
  [10, 'symlink'],
  [12, 'socket'],
]);

/** Entries from listAt's records (see native-addon.ts); names are views into the one buffer. */
function parseListing(records: Buffer): { entries: DirEntry[]; truncated: boolean } {
  const entries: DirEntry[] = [];
  let offset = 1;
  while (offset + 2 <= records.length) {
    const type = D_TYPES.get(records[offset] as number) ?? 'other';
    const length = records[offset + 1] as number;
    entries.push({ name: records.subarray(offset + 2, offset + 2 + length), type });
    offset += 2 + length;
  }
  return { entries, truncated: records[0] === 1 };
}

/** Longest symlink target read; a longer one is an error (PATH_MAX is 4096). */
const LINK_TARGET_MAX = 4096;

function nativeSyscalls(addon: NativeAddon): DirSyscalls {
  // One stat buffer for every call: the calls are synchronous, and its contents are copied out at once.
  const stat = new Float64Array(8);
  const link = Buffer.alloc(LINK_TARGET_MAX + 1);
  // An xattr holds at most 64 KiB.
  const aclBytes = Buffer.alloc(64 * 1024);
  return {
    mode: 'native',
    open(dirFd, name, flags) {
      const fd = addon.openAt(dirFd, name, flags);
      if (fd < 0) throw errnoError(fd, 'openat');
      return fd;
    },
    lstat(dirFd, name) {
      const status = addon.lstatAt(dirFd, name, stat);
      if (status === -os.constants.errno.ENOENT) return null;
      if (status < 0) throw errnoError(status, 'fstatat');
      const mode = stat[0] as number;
      return {
        type: typeFromMode(mode),
        mode: mode & 0o7777,
        uid: stat[1] as number,
        gid: stat[2] as number,
        size: stat[3] as number,
        mtimeMs: stat[4] as number,
        dev: stat[5] as number,
        ino: stat[6] as number,
        nlink: stat[7] as number,
      };
    },
    readlink(dirFd, name) {
      const length = addon.readlinkAt(dirFd, name, link);
      if (length < 0) throw errnoError(length, 'readlinkat');
      if (length > LINK_TARGET_MAX) throw errnoError(-os.constants.errno.ENAMETOOLONG, 'readlinkat');
      return link.toString('utf8', 0, length);
    },
    list(dirFd, maxEntries) {
      const records = addon.listAt(dirFd, maxEntries);
      if (typeof records === 'number') throw errnoError(records, 'getdents64');
      return parseListing(records);
    },
    acl(fd, name) {
      // No ACL (ENODATA), a filesystem without them (EOPNOTSUPP), gone: all read as "none".
      const length = addon.aclAt(fd, name, aclBytes);
      return length > 0 ? parsePosixAcl(aclBytes.subarray(0, length)) : null;
    },
    readsAcls: true,
  };
}

let active: DirSyscalls | undefined;
let native: DirSyscalls | undefined;

/** Why native access is not available, or null when it is. */
export function nativeFileAccessProblem(): string | null {
  const loaded = nativeAddon();
  return 'problem' in loaded ? loaded.problem : null;
}

/**
 * Chooses how safe-fs reaches children of open directories, for the rest of the process.
 * 'auto' takes native when it loads. Asking for 'native' when it does not load throws.
 */
export function useFileAccess(setting: FileAccessSetting): FileAccessMode {
  if (setting === 'portable') {
    active = portable;
    return active.mode;
  }
  const loaded = nativeAddon();
  if ('addon' in loaded) active = native ??= nativeSyscalls(loaded.addon);
  else if (setting === 'native') throw new Error(`scan.file_access = "native", but ${loaded.problem}`);
  else active = portable;
  return active.mode;
}

/** The addon when access is native: for callers that batch several calls into one (git-dir-probe). */
export function nativeAddonInUse(): NativeAddon | null {
  const loaded = nativeAddon();
  return dirSyscalls().mode === 'native' && 'addon' in loaded ? loaded.addon : null;
}

/** The calls in use ('auto' until chosen). */
export function dirSyscalls(): DirSyscalls {
  if (!active) useFileAccess('auto');
  return active as DirSyscalls;
}
