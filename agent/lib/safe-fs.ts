import fs from 'node:fs';
import path from 'node:path';
import { dirSyscalls, type DirEntry } from './dir-syscalls.js';
import { toFileInfo, type FileInfo } from './file-info.js';
import type { PosixAcl } from './posix-acl.js';

export type { FileInfo, FileType } from './file-info.js';

/**
 * File access for a root process reading trees that hostile jobs wrote.
 *
 * - Paths are resolved one component at a time against an open directory fd (openat, or
 *   /proc/self/fd/N/name where the native calls are not built: dir-syscalls.ts), each directory
 *   opened with O_DIRECTORY|O_NOFOLLOW: O_NOFOLLOW alone guards only the last component, and a directory
 *   swapped for a symlink after our check cannot redirect an fd we already hold.
 * - Symlinks are never followed in job-writable trees ("never"). For well-known system files
 *   ("within-root") they are followed as a chroot would: absolute targets restart at the host
 *   root and ".." stops at it, so nothing outside the root is ever reached.
 * - Files are opened O_NONBLOCK and must be regular: a FIFO or device named like a config file
 *   cannot hang or flood the agent. Reads are capped.
 */

export type LinkPolicy = 'never' | 'within-root';
export type SafeFsCode = 'not-found' | 'symlink' | 'not-regular' | 'not-directory' | 'loop' | 'denied' | 'io';

export class SafeFsError extends Error {
  constructor(
    readonly code: SafeFsCode,
    readonly hostPath: string,
    detail?: string,
  ) {
    super(`${hostPath}: ${code}${detail ? ` (${detail})` : ''}`);
  }
}

export const DEFAULT_MAX_READ = 256 * 1024;
const MAX_LINK_HOPS = 40;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_DIRECTORY, O_CLOEXEC } = fs.constants as typeof fs.constants & {
  O_CLOEXEC?: number;
};
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | (O_CLOEXEC ?? 0);
const FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | (O_CLOEXEC ?? 0);

/** The SafeFsCode of an errno name ('ENOENT', ...). */
export function safeFsCode(errno: string | undefined): SafeFsCode {
  if (errno === 'ENOENT') return 'not-found';
  if (errno === 'ELOOP') return 'symlink';
  if (errno === 'ENOTDIR') return 'not-directory';
  if (errno === 'EACCES' || errno === 'EPERM') return 'denied';
  return 'io';
}

function mapErrno(error: unknown, hostPath: string): SafeFsError {
  if (error instanceof SafeFsError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const code = safeFsCode(errno);
  return new SafeFsError(code, hostPath, code === 'io' ? errno : undefined);
}

function withAcl(info: FileInfo, acl: PosixAcl | null): FileInfo {
  if (acl) info.acl = acl;
  return info;
}

/**
 * One child name as bytes. A name must be a single component: a '/' would resolve the components
 * before it by path (following symlinks), and '.' or '..' would not be a child at all.
 */
function component(name: string | Buffer): Buffer {
  const bytes = typeof name === 'string' ? Buffer.from(name) : name;
  const dots = bytes.length <= 2 && bytes.every((byte) => byte === 0x2e);
  if (bytes.length === 0 || dots || bytes.includes(0x2f) || bytes.includes(0)) {
    const shown = bytes.toString('latin1');
    throw new SafeFsError('not-found', `<invalid name ${JSON.stringify(shown.slice(0, 40))}>`, 'not a single path component');
  }
  return bytes;
}

/** An open directory; children are reached relative to its fd, never by re-resolving a path. */
export class DirHandle {
  private closed = false;
  constructor(
    readonly fd: number,
    /** Host path of this directory, for messages only. */
    readonly hostPath: string,
  ) {}

  static openRoot(root: string): DirHandle {
    try {
      return new DirHandle(fs.openSync(root, O_RDONLY | O_DIRECTORY), '/');
    } catch (error) {
      throw mapErrno(error, root);
    }
  }

  private childHostPath(name: string | Buffer): string {
    // Names are single components (component() enforces it), so plain concatenation is the join.
    const child = typeof name === 'string' ? name : name.toString('utf8');
    return this.hostPath.endsWith('/') ? `${this.hostPath}${child}` : `${this.hostPath}/${child}`;
  }

  /** lstat of a child: never follows it. */
  lstat(name: string | Buffer): FileInfo {
    try {
      const info = dirSyscalls().lstat(this.fd, component(name));
      if (info) return info;
    } catch (error) {
      throw mapErrno(error, this.childHostPath(name));
    }
    throw new SafeFsError('not-found', this.childHostPath(name));
  }

  /**
   * lstat of a child, null when it does not exist. Cheaper than catching `not-found` from lstat():
   * a walk asks about many absent names (.git/modules, .git/index), and each thrown error costs
   * a stack trace.
   */
  lstatIfExists(name: string | Buffer): FileInfo | null {
    try {
      return dirSyscalls().lstat(this.fd, component(name));
    } catch (error) {
      throw mapErrno(error, this.childHostPath(name));
    }
  }

  /** fstat of this directory, with its extended ACL when file access reads them. */
  info(): FileInfo {
    return withAcl(toFileInfo(fs.fstatSync(this.fd)), dirSyscalls().acl(this.fd, null));
  }

  /** lstat of a child with its extended ACL (when file access reads them): for judging who may use it. */
  lstatWithAcl(name: string | Buffer): FileInfo {
    const info = this.lstat(name);
    return withAcl(info, dirSyscalls().acl(this.fd, component(name)));
  }

  /** Opens a child directory; fails with `symlink` if it is (or became) a symlink. */
  openDir(name: string | Buffer): DirHandle {
    const hostPath = this.childHostPath(name);
    try {
      return new DirHandle(dirSyscalls().open(this.fd, component(name), DIR_FLAGS), hostPath);
    } catch (error) {
      // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR, not ELOOP: tell the two apart,
      // so callers can report a planted symlink as such.
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (code === 'ENOTDIR' && this.isSymlink(name)) throw new SafeFsError('symlink', hostPath);
      throw mapErrno(error, hostPath);
    }
  }

  private isSymlink(name: string | Buffer): boolean {
    try {
      return dirSyscalls().lstat(this.fd, component(name))?.type === 'symlink';
    } catch {
      return false;
    }
  }

  readLink(name: string | Buffer): string {
    try {
      return dirSyscalls().readlink(this.fd, component(name));
    } catch (error) {
      throw mapErrno(error, this.childHostPath(name));
    }
  }

  /** Reads at most maxBytes of a regular file child. FIFOs, sockets, devices and symlinks are refused. */
  readFile(name: string | Buffer, maxBytes = DEFAULT_MAX_READ): { data: Buffer; truncated: boolean; info: FileInfo } {
    // The host path is only for messages: built when something fails, not for every read.
    const hostPath = (): string => this.childHostPath(name);
    let fd: number;
    try {
      fd = dirSyscalls().open(this.fd, component(name), FILE_FLAGS);
    } catch (error) {
      throw mapErrno(error, hostPath());
    }
    try {
      const info = toFileInfo(fs.fstatSync(fd));
      if (info.type !== 'file') throw new SafeFsError('not-regular', hostPath(), info.type);
      withAcl(info, dirSyscalls().acl(fd, null));
      const want = Math.min(maxBytes, info.size > 0 ? info.size : maxBytes);
      const buffer = Buffer.alloc(Math.max(0, want));
      let offset = 0;
      while (offset < buffer.length) {
        const read = fs.readSync(fd, buffer, offset, buffer.length - offset, offset);
        if (read === 0) break;
        offset += read;
      }
      return { data: buffer.subarray(0, offset), truncated: info.size > offset, info };
    } catch (error) {
      throw mapErrno(error, hostPath());
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Lists up to maxEntries children as raw byte names (non-UTF-8 names stay distinct). */
  list(maxEntries: number): { entries: DirEntry[]; truncated: boolean } {
    try {
      return dirSyscalls().list(this.fd, maxEntries);
    } catch (error) {
      throw mapErrno(error, this.hostPath);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed by the OS on error paths; nothing to release.
    }
  }
}

/**
 * Runs `use` on the child directory `name` of `parent` and closes it; null when it cannot be
 * opened as a directory (gone, a symlink, not a directory, denied: callers that walk let the walk
 * report those).
 */
export function withChildDir<T>(parent: DirHandle, name: string | Buffer, use: (dir: DirHandle) => T): T | null {
  let dir: DirHandle;
  try {
    dir = parent.openDir(name);
  } catch (error) {
    if (error instanceof SafeFsError) return null;
    throw error;
  }
  try {
    return use(dir);
  } finally {
    dir.close();
  }
}

function splitHostPath(hostPath: string): string[] {
  return hostPath.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Resolves a host path under `root` to (open parent directory, final name).
 * The caller owns the returned DirHandle and must close it.
 */
export function resolveParent(root: string, hostPath: string, links: LinkPolicy): { parent: DirHandle; name: string; hostPath: string } {
  const rootDir = DirHandle.openRoot(root);
  const stack: DirHandle[] = [rootDir];
  const pending = splitHostPath(hostPath);
  let hops = 0;
  const current = (): DirHandle => stack[stack.length - 1] as DirHandle;
  const fail = (error: unknown): never => {
    for (const dir of stack) dir.close();
    throw mapErrno(error, hostPath);
  };
  try {
    while (pending.length > 1 || (pending.length === 1 && pending[0] === '..')) {
      const part = pending.shift() as string;
      if (part === '..') {
        if (stack.length > 1) stack.pop()?.close();
        continue;
      }
      const info = current().lstat(part);
      if (info.type === 'symlink') {
        if (links === 'never') throw new SafeFsError('symlink', path.posix.join(current().hostPath, part));
        if (++hops > MAX_LINK_HOPS) throw new SafeFsError('loop', hostPath);
        const target = current().readLink(part);
        if (target.startsWith('/')) while (stack.length > 1) stack.pop()?.close();
        pending.unshift(...splitHostPath(target));
        continue;
      }
      if (info.type !== 'dir') throw new SafeFsError('not-directory', path.posix.join(current().hostPath, part));
      stack.push(current().openDir(part));
    }
    const name = pending[0] ?? '.';
    const parent = stack.pop() as DirHandle;
    for (const dir of stack) dir.close();
    return { parent, name, hostPath };
  } catch (error) {
    return fail(error);
  }
}

/** Follows a final-component symlink within the root, returning the parent and name of the real entry. */
function resolveFinal(root: string, hostPath: string, links: LinkPolicy): { parent: DirHandle; name: string } {
  let target = hostPath;
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    const resolved = resolveParent(root, target, links);
    const info = resolved.name === '.' ? null : resolved.parent.lstat(resolved.name);
    if (!info || info.type !== 'symlink') return resolved;
    if (links === 'never') {
      resolved.parent.close();
      throw new SafeFsError('symlink', hostPath);
    }
    const link = resolved.parent.readLink(resolved.name);
    const base = resolved.parent.hostPath;
    resolved.parent.close();
    target = link.startsWith('/') ? link : path.posix.join(base, link);
  }
  throw new SafeFsError('loop', hostPath);
}

export interface ReadOptions {
  maxBytes?: number;
  links?: LinkPolicy;
}

/** lstat (links: never) or stat within root (links: within-root), with its extended ACL; null when absent. */
export function statUnderRoot(root: string, hostPath: string, links: LinkPolicy = 'within-root'): FileInfo | null {
  try {
    const { parent, name } = resolveFinal(root, hostPath, links);
    try {
      return name === '.' ? parent.info() : parent.lstatWithAcl(name);
    } finally {
      parent.close();
    }
  } catch (error) {
    if (error instanceof SafeFsError && (error.code === 'not-found' || error.code === 'not-directory')) return null;
    throw error;
  }
}

export function readFileUnderRoot(root: string, hostPath: string, options: ReadOptions = {}): { data: Buffer; truncated: boolean; info: FileInfo } {
  const { parent, name } = resolveFinal(root, hostPath, options.links ?? 'within-root');
  try {
    return parent.readFile(name, options.maxBytes ?? DEFAULT_MAX_READ);
  } finally {
    parent.close();
  }
}

/** Reads a small text file; null when it does not exist. Other failures throw SafeFsError. */
export function readTextUnderRoot(root: string, hostPath: string, options: ReadOptions = {}): string | null {
  try {
    return readFileUnderRoot(root, hostPath, options).data.toString('utf8');
  } catch (error) {
    if (error instanceof SafeFsError && (error.code === 'not-found' || error.code === 'not-directory')) return null;
    throw error;
  }
}

/** Opens a directory under root as a handle for walking; the caller closes it. */
export function openDirUnderRoot(root: string, hostPath: string, links: LinkPolicy = 'within-root'): DirHandle {
  const { parent, name } = resolveFinal(root, hostPath, links);
  if (name === '.') return parent;
  try {
    return parent.openDir(name);
  } finally {
    parent.close();
  }
}

/** Lists a directory under root (names as UTF-8 strings; use DirHandle.list for raw bytes). */
export function listDirUnderRoot(root: string, hostPath: string, maxEntries = 10_000, links: LinkPolicy = 'within-root'): string[] | null {
  let dir: DirHandle;
  try {
    dir = openDirUnderRoot(root, hostPath, links);
  } catch (error) {
    if (error instanceof SafeFsError && (error.code === 'not-found' || error.code === 'not-directory')) return null;
    throw error;
  }
  try {
    return dir.list(maxEntries).entries.map((entry) => entry.name.toString('utf8'));
  } finally {
    dir.close();
  }
}
