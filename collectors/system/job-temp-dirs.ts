import { SafeFsError, withChildDir, type DirHandle } from '../../agent/lib/safe-fs.js';
import { printableBytes } from '../../agent/lib/sanitize.js';

/**
 * The runner's per-job temporary dir sits beside the working copy: `<project>.tmp`. Jobs' file
 * variables and CA file are written there, and removed when the job ends. What is left is judged
 * by the names of its regular files, read from one listing: nothing in it is opened or read.
 */

const SUFFIX = Buffer.from('.tmp');
/** Entries looked at in one temp dir (file variables are a handful per job): fileCount stops there. */
const MAX_ENTRIES = 256;
/** File names kept per temp dir. */
export const MAX_LISTED_FILES = 20;

export interface TempDirReading {
  fileCount: number;
  files: string[];
  mtimeMs: number;
}

export function isJobTempDirName(name: Buffer): boolean {
  return name.length > SUFFIX.length && name.subarray(name.length - SUFFIX.length).equals(SUFFIX);
}

/** Reads `<project>.tmp` under `parent`; null when it cannot be opened or listed (the walk then reports why). */
export function readJobTempDir(parent: DirHandle, name: Buffer): TempDirReading | null {
  return withChildDir(parent, name, (dir) => {
    let listed: ReturnType<DirHandle['list']>;
    try {
      listed = dir.list(MAX_ENTRIES);
    } catch (error) {
      if (error instanceof SafeFsError) return null;
      throw error;
    }
    // In byte order, so the facts do not depend on the order the filesystem lists them in.
    const files = listed.entries.filter((entry) => entry.type === 'file').sort((a, b) => Buffer.compare(a.name, b.name));
    return { fileCount: files.length, files: files.slice(0, MAX_LISTED_FILES).map((entry) => printableBytes(entry.name, 100)), mtimeMs: dir.info().mtimeMs };
  });
}
