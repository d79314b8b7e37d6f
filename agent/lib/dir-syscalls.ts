import fs from 'node:fs';
import os from 'node:os';
import { toFileInfo, typeFromMode, type FileInfo } from './file-info.js';
import { nativeAddon, type NativeAddon } from './native-addon.js';

/**
 * The three calls safe-fs makes against an open directory: open, lstat and readlink of one child.
 *
 * - native: openat/fstatat/readlinkat from the native addon (native/dir-access.c, see
 *   native-addon.ts), built by `npm run build` when a C compiler is there.
 * - portable: the same through /proc/self/fd/N/name, which Node can do on its own. The kernel
 *   resolves the magic link to the very directory the fd holds, so the result is the same, but
 *   every call pays for a walk through procfs: about twice the cost per call on a VM.
 *
 * Both take one path component (the caller checks it) and never follow the child itself.
 * Errors are thrown as errno-coded errors (`.code` = 'ENOENT', ...), as Node's fs throws them.
 */

export type FileAccessMode = 'native' | 'portable';
export type FileAccessSetting = 'auto' | FileAccessMode;

export interface DirSyscalls {
  readonly mode: FileAccessMode;
  open(dirFd: number, name: Buffer, flags: number): number;
  /** null when the child does not exist. */
  lstat(dirFd: number, name: Buffer): FileInfo | null;
  readlink(dirFd: number, name: Buffer): string;
}

const portable: DirSyscalls = {
  mode: 'portable',
  open: (dirFd, name, flags) => fs.openSync(procPath(dirFd, name), flags),
  lstat: (dirFd, name) => {
    const stats = fs.lstatSync(procPath(dirFd, name), { throwIfNoEntry: false });
    return stats ? toFileInfo(stats) : null;
  },
  readlink: (dirFd, name) => fs.readlinkSync(procPath(dirFd, name), 'utf8'),
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

/** Longest symlink target read; a longer one is an error (PATH_MAX is 4096). */
const LINK_TARGET_MAX = 4096;

function nativeSyscalls(addon: NativeAddon): DirSyscalls {
  // One stat buffer for every call: the calls are synchronous, and its contents are copied out at once.
  const stat = new Float64Array(8);
  const link = Buffer.alloc(LINK_TARGET_MAX + 1);
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
