import path from 'node:path';
import { DirHandle, SafeFsError, listDirUnderRoot, readTextUnderRoot, statUnderRoot, type FileInfo } from '../../agent/lib/safe-fs.js';
import { openTreeRoot } from '../../agent/lib/safe-walk.js';

/**
 * The two kinds of places this collector reads:
 * - system files (/etc/passwd, /etc/sudoers...): written by root, so symlinks are followed,
 *   but only within the host root;
 * - job-writable trees (homes, builds dirs): the last component of the tree's path and
 *   everything below it are never followed.
 */
export class HostFiles {
  private readonly ancestryCache = new Map<string, FileInfo[] | null>();

  constructor(readonly root: string) {}

  /** A system text file, at most `maxBytes`; null when absent. Refusals (FIFO, loop) throw. */
  readSystemText(hostPath: string, maxBytes = 256 * 1024): string | null {
    return readTextUnderRoot(this.root, hostPath, { maxBytes });
  }

  listSystemDir(hostPath: string): string[] | null {
    return listDirUnderRoot(this.root, hostPath, 1_000);
  }

  statSystem(hostPath: string): FileInfo | null {
    try {
      return statUnderRoot(this.root, hostPath, 'within-root');
    } catch {
      return null;
    }
  }

  /** Stats of `/` and of every directory down to `dir` inclusive; null when one is missing. */
  ancestry(dir: string): FileInfo[] | null {
    const key = path.posix.normalize(dir);
    const cached = this.ancestryCache.get(key);
    if (cached !== undefined) return cached;
    const parts = key.split('/').filter((p) => p !== '');
    const chain: FileInfo[] = [];
    for (let i = 0; i <= parts.length; i++) {
      const info = this.statSystem(`/${parts.slice(0, i).join('/')}`);
      if (!info || info.type !== 'dir') {
        this.ancestryCache.set(key, null);
        return null;
      }
      chain.push(info);
    }
    this.ancestryCache.set(key, chain);
    return chain;
  }

  /** Opens a job-writable directory (its last component must be a real directory). */
  openTree(hostPath: string): TreeDir | { problem: string } {
    const parent = path.posix.dirname(path.posix.normalize(hostPath));
    const opened = openTreeRoot(this.root, hostPath);
    if ('problem' in opened) return { problem: opened.problem };
    const above = hostPath === '/' ? [] : this.ancestry(parent);
    if (!above) {
      opened.dir.close();
      return { problem: 'absent' };
    }
    return new TreeDir(opened.dir, path.posix.normalize(hostPath), [...above, opened.dir.info()]);
  }
}

export interface TreeFile {
  hostPath: string;
  info: FileInfo;
  /** Directories from `/` down to the file's directory. */
  dirs: FileInfo[];
}

/** A directory in a job-writable tree, with the permissions of every directory above it. */
export class TreeDir {
  constructor(
    readonly handle: DirHandle,
    readonly hostPath: string,
    /** `/` down to this directory inclusive. */
    readonly dirs: FileInfo[],
  ) {}

  /** A child directory, never through a symlink; null when absent or not a directory. */
  child(name: string): TreeDir | null {
    try {
      const handle = this.handle.openDir(name);
      return new TreeDir(handle, path.posix.join(this.hostPath, name), [...this.dirs, handle.info()]);
    } catch (error) {
      if (error instanceof SafeFsError) return null;
      throw error;
    }
  }

  /** lstat of a child (a symlink is reported as one), with its extended ACL; null when absent. */
  stat(name: string): TreeFile | null {
    try {
      return { hostPath: path.posix.join(this.hostPath, name), info: this.handle.lstatWithAcl(name), dirs: this.dirs };
    } catch (error) {
      if (error instanceof SafeFsError) return null;
      throw error;
    }
  }

  /**
   * Reads the first `maxBytes` of a regular file child. Anything else (symlink, FIFO, device)
   * is never opened: the type is checked first, and the open itself is O_NOFOLLOW|O_NONBLOCK.
   */
  read(name: string | Buffer, maxBytes: number): { data: Buffer; truncated: boolean; info: FileInfo } | null {
    try {
      if (this.handle.lstat(name).type !== 'file') return null;
      return this.handle.readFile(name, maxBytes);
    } catch (error) {
      if (error instanceof SafeFsError) return null;
      throw error;
    }
  }

  close(): void {
    this.handle.close();
  }
}
