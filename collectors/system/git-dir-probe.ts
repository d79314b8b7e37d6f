import { errnoName, nativeAddonInUse } from '../../agent/lib/dir-syscalls.js';
import { typeFromMode } from '../../agent/lib/file-info.js';
import { SafeFsError, safeFsCode, withChildDir, type DirHandle, type FileInfo, type FileType, type SafeFsCode } from '../../agent/lib/safe-fs.js';
import type { NativeAddon } from '../../agent/lib/native-addon.js';

/**
 * What the build-dir walk needs from one working copy: its .git (type and age), .git/config
 * (at most GIT_CONFIG_READ_BYTES of it), whether .git/modules holds submodules, and the size of
 * .git/index. Two implementations with one contract, held to the same tests:
 * - portable: step by step through DirHandle;
 * - native: the same steps for a batch of children in one call (native/working-copy.c), used when
 *   file access is native.
 * Neither follows a symlink, nor opens a .git/config that is not a regular file.
 */

/** `.git/config` of a working copy is read up to this size; a bigger one is read in part and said so. */
export const GIT_CONFIG_READ_BYTES = 8 * 1024;

export type ConfigRead =
  | { state: 'absent' }
  /** Not a regular file at lstat: never opened. */
  | { state: 'not-opened'; type: FileType }
  | { state: 'failed'; code: SafeFsCode }
  | { state: 'read'; text: string; size: number; truncated: boolean };

export interface GitDirProbe {
  /** A 'file' .git is a gitdir link, a 'symlink' one points elsewhere: neither is followed. */
  gitType: 'dir' | 'file' | 'symlink';
  /** Every fetch or checkout rewrites files in .git, so its mtime dates the last job. */
  mtimeMs: number;
  /** Why .git (a directory at lstat) could not be opened, or null. */
  gitOpenProblem: SafeFsCode | null;
  config: ConfigRead;
  submodules: boolean;
  indexBytes: number;
}

function gitTypeOf(type: FileType): GitDirProbe['gitType'] | null {
  return type === 'dir' || type === 'file' || type === 'symlink' ? type : null;
}

function lstatOrNull(dir: DirHandle, name: string): FileInfo | null {
  try {
    return dir.lstatIfExists(name);
  } catch (error) {
    if (error instanceof SafeFsError) return null;
    throw error;
  }
}

function readConfigPortable(git: DirHandle): ConfigRead {
  const info = lstatOrNull(git, 'config');
  if (!info) return { state: 'absent' };
  if (info.type !== 'file') return { state: 'not-opened', type: info.type };
  try {
    const read = git.readFile('config', GIT_CONFIG_READ_BYTES);
    return { state: 'read', text: read.data.toString('utf8'), size: read.info.size, truncated: read.truncated };
  } catch (error) {
    if (error instanceof SafeFsError) return { state: 'failed', code: error.code };
    throw error;
  }
}

/** Probes an open directory; null when it is not a working copy (no .git dir, file or symlink). */
export function probeOpenDir(dir: DirHandle): GitDirProbe | null {
  const git = lstatOrNull(dir, '.git');
  const gitType = git && gitTypeOf(git.type);
  if (!git || !gitType) return null;
  const probe: GitDirProbe = { gitType, mtimeMs: git.mtimeMs, gitOpenProblem: null, config: { state: 'absent' }, submodules: false, indexBytes: 0 };
  if (gitType !== 'dir') return probe;
  let gitDir: DirHandle;
  try {
    gitDir = dir.openDir('.git');
  } catch (error) {
    if (!(error instanceof SafeFsError)) throw error;
    probe.gitOpenProblem = error.code;
    return probe;
  }
  try {
    probe.config = readConfigPortable(gitDir);
    probe.submodules = lstatOrNull(gitDir, 'modules')?.type === 'dir';
    const index = lstatOrNull(gitDir, 'index');
    probe.indexBytes = index?.type === 'file' ? index.size : 0;
  } finally {
    gitDir.close();
  }
  return probe;
}

function probeChildPortable(parent: DirHandle, name: Buffer): GitDirProbe | null {
  return withChildDir(parent, name, probeOpenDir);
}

/** Slots of native/working-copy.c's output, in its order. */
const Slot = {
  Found: 0,
  GitMode: 1,
  GitMtimeMs: 2,
  GitErrno: 3,
  ConfigMode: 4,
  ConfigErrno: 5,
  ConfigOpenedMode: 6,
  ConfigSize: 7,
  ConfigBytes: 8,
  ModulesMode: 9,
  IndexMode: 10,
  IndexSize: 11,
  Count: 12,
} as const;
type Slot = (typeof Slot)[keyof typeof Slot];

/** Children probed per native call: bounds its buffers (this many .git/config reads) and its time. */
const NATIVE_BATCH = 256;

function decode(out: Float64Array, base: number, configs: Buffer, configStart: number): GitDirProbe | null {
  const at = (slot: Slot): number => out[base + slot] as number;
  if (at(Slot.Found) !== 1) return null;
  const gitType = gitTypeOf(typeFromMode(at(Slot.GitMode))) as GitDirProbe['gitType'];
  const probe: GitDirProbe = { gitType, mtimeMs: at(Slot.GitMtimeMs), gitOpenProblem: null, config: { state: 'absent' }, submodules: false, indexBytes: 0 };
  if (gitType !== 'dir') return probe;
  if (at(Slot.GitErrno) !== 0) {
    probe.gitOpenProblem = safeFsCode(errnoName(at(Slot.GitErrno)));
    return probe;
  }
  probe.config = decodeConfig(at, configs, configStart);
  probe.submodules = typeFromMode(at(Slot.ModulesMode)) === 'dir';
  probe.indexBytes = typeFromMode(at(Slot.IndexMode)) === 'file' ? at(Slot.IndexSize) : 0;
  return probe;
}

function decodeConfig(at: (slot: Slot) => number, configs: Buffer, start: number): ConfigRead {
  if (at(Slot.ConfigMode) === 0) return { state: 'absent' };
  const type = typeFromMode(at(Slot.ConfigMode));
  if (type !== 'file') return { state: 'not-opened', type };
  if (at(Slot.ConfigErrno) !== 0) return { state: 'failed', code: safeFsCode(errnoName(at(Slot.ConfigErrno))) };
  // Regular at lstat, something else once opened: swapped in between, and not read.
  if (typeFromMode(at(Slot.ConfigOpenedMode)) !== 'file') return { state: 'failed', code: 'not-regular' };
  const bytes = at(Slot.ConfigBytes);
  return { state: 'read', text: configs.toString('utf8', start, start + bytes), size: at(Slot.ConfigSize), truncated: at(Slot.ConfigSize) > bytes };
}

type ProbeChildren = (parent: DirHandle, names: readonly Buffer[]) => (GitDirProbe | null)[];

/** The native probe; its buffers are reused from call to call (the calls are synchronous). */
function nativeProbe(addon: NativeAddon): ProbeChildren {
  const out = new Float64Array(Slot.Count * NATIVE_BATCH);
  const configs = Buffer.alloc(GIT_CONFIG_READ_BYTES * NATIVE_BATCH);
  return (parent, names) => {
    const probes: (GitDirProbe | null)[] = [];
    for (let start = 0; start < names.length; start += NATIVE_BATCH) {
      const batch = names.slice(start, start + NATIVE_BATCH);
      const status = addon.probeWorkingCopies(parent.fd, batch, out, configs, GIT_CONFIG_READ_BYTES);
      if (status < 0) throw new SafeFsError(safeFsCode(errnoName(-status)), parent.hostPath, 'working-copy probe');
      for (let i = 0; i < batch.length; i++) probes.push(decode(out, i * Slot.Count, configs, i * GIT_CONFIG_READ_BYTES));
    }
    return probes;
  };
}

let native: ProbeChildren | undefined;

/**
 * Probes children of `parent` without the walk entering them: for each name, its probe, or null
 * when it is not a working copy or could not be opened as a directory (the walk then opens it
 * and reports why).
 */
export function probeChildren(parent: DirHandle, names: readonly Buffer[]): (GitDirProbe | null)[] {
  const addon = nativeAddonInUse();
  if (!addon) return names.map((name) => probeChildPortable(parent, name));
  native ??= nativeProbe(addon);
  return native(parent, names);
}
