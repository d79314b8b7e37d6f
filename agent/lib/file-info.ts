import fs from 'node:fs';
import type { PosixAcl } from './posix-acl.js';

/** What lstat says about one file, in the few fields runner-warden looks at. */

export type FileType = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block' | 'other';

export interface FileInfo {
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  nlink: number;
  /** The extended access ACL, where one was asked for and exists (native file access only). */
  acl?: PosixAcl;
}

const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK } = fs.constants;

/** The file type encoded in st_mode. */
export function typeFromMode(mode: number): FileType {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return 'file';
    case S_IFDIR:
      return 'dir';
    case S_IFLNK:
      return 'symlink';
    case S_IFIFO:
      return 'fifo';
    case S_IFSOCK:
      return 'socket';
    case S_IFCHR:
      return 'char';
    case S_IFBLK:
      return 'block';
    default:
      return 'other';
  }
}

export function toFileInfo(stats: fs.Stats): FileInfo {
  return {
    type: typeFromMode(stats.mode),
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    mtimeMs: Math.trunc(stats.mtimeMs),
    dev: stats.dev,
    ino: stats.ino,
    nlink: stats.nlink,
  };
}
