import { SafeFsError, type DirHandle, type FileInfo } from '../../agent/lib/safe-fs.js';
import { printableBytes, safeText } from '../../agent/lib/sanitize.js';
import { walkPathDisplay, walkTree, type WalkLimits, type WalkReport } from '../../agent/lib/safe-walk.js';
import { displayUrl, headerCredentials, parseGitConfig, urlCredentials, type UrlCredentials } from './git-config.js';
import type { HostFiles } from './host-files.js';
import type { BuildDirFacts, WorkingCopy } from './types.js';

/**
 * What jobs leave behind in builds and cache dirs. The walk looks for working copies (a `.git`
 * beside the files) and never lists inside one: a working copy is judged by `.git/config`,
 * `.git/modules` and `.git/index` alone, so the cost grows with the number of projects, not
 * with the files in them.
 */

/** `.git/config` of a working copy is read up to this size; a bigger one is read in part and said so. */
export const GIT_CONFIG_READ_BYTES = 8 * 1024;
/** Working copies listed in the facts (all are counted). */
export const MAX_LISTED_WORKING_COPIES = 200;

export interface BuildDirTarget {
  path: string;
  kind: BuildDirFacts['kind'];
  runners: string[];
}

function lstatOrNull(dir: DirHandle, name: string): FileInfo | null {
  try {
    return dir.lstatIfExists(name);
  } catch (error) {
    if (error instanceof SafeFsError) return null;
    throw error;
  }
}

interface GitDirReading {
  remotes: string[];
  credentials: UrlCredentials[];
  submodules: boolean;
  indexBytes: number;
  mtimeMs: number;
  problem: string | null;
}

function readConfig(git: DirHandle, into: GitDirReading): void {
  const info = lstatOrNull(git, 'config');
  if (!info) return;
  if (info.type !== 'file') {
    into.problem = `.git/config is a ${info.type}: not opened`;
    return;
  }
  let read: ReturnType<DirHandle['readFile']>;
  try {
    read = git.readFile('config', GIT_CONFIG_READ_BYTES);
  } catch (error) {
    into.problem = error instanceof SafeFsError ? `.git/config: ${error.code}` : '.git/config: unreadable';
    return;
  }
  if (read.truncated) into.problem = `.git/config is ${read.info.size} bytes: only the first ${GIT_CONFIG_READ_BYTES} were read`;
  for (const entry of parseGitConfig(read.data.toString('utf8'))) {
    if (entry.section === 'remote' && entry.key === 'url') {
      into.remotes.push(displayUrl(entry.value, 300));
      const credential = urlCredentials(entry.value);
      if (credential) into.credentials.push(credential);
    } else if (entry.section === 'url' && entry.subsection !== null) {
      const credential = urlCredentials(entry.subsection);
      if (credential) into.credentials.push(credential);
    } else if (entry.section === 'http' && entry.key === 'extraheader') {
      const credential = headerCredentials(entry.value);
      if (credential) into.credentials.push(credential);
    }
  }
}

function readGitDir(dir: DirHandle, gitType: FileInfo['type'], into: GitDirReading): void {
  if (gitType === 'symlink') {
    into.problem = '.git is a symlink: not followed';
    return;
  }
  if (gitType === 'file') {
    into.problem = '.git is a file (a gitdir link): not followed';
    return;
  }
  let git: DirHandle;
  try {
    git = dir.openDir('.git');
  } catch (error) {
    into.problem = error instanceof SafeFsError ? `.git: ${error.code}` : '.git: unreadable';
    return;
  }
  try {
    readConfig(git, into);
    into.submodules = lstatOrNull(git, 'modules')?.type === 'dir';
    const index = lstatOrNull(git, 'index');
    into.indexBytes = index?.type === 'file' ? index.size : 0;
  } finally {
    git.close();
  }
}

/** Shell builds live at <short-token>/<concurrent-id>/<namespace>/<project>: the project is what follows the first two. */
function projectParts(parts: readonly Buffer[], kind: BuildDirFacts['kind']): readonly Buffer[] {
  return kind === 'builds' && parts.length >= 3 ? parts.slice(2) : parts;
}

function joinParts(parts: readonly Buffer[]): Buffer {
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('/'), p])));
}

/** Identity of a project by its bytes (latin1 maps bytes one to one; names never hold '/'). */
function projectKey(parts: readonly Buffer[], kind: BuildDirFacts['kind']): string {
  return projectParts(parts, kind)
    .map((p) => p.toString('latin1'))
    .join('/');
}

/** A working copy as found; display forms are built only for the few listed in the facts. */
interface FoundCopy {
  parts: Buffer[];
  reading: GitDirReading;
  /** Joined path bytes, built on first use (sorting ties), once. */
  joined?: Buffer;
}

function joinedOf(copy: FoundCopy): Buffer {
  copy.joined ??= joinParts(copy.parts);
  return copy.joined;
}

function inspect(dir: DirHandle, git: FileInfo, parts: Buffer[]): FoundCopy {
  // Every fetch or checkout rewrites files in .git, so its mtime dates the last job: no extra stat needed.
  const reading: GitDirReading = { remotes: [], credentials: [], submodules: false, indexBytes: 0, mtimeMs: git.mtimeMs, problem: null };
  readGitDir(dir, git.type, reading);
  return { parts, reading };
}

function toWorkingCopy(copy: FoundCopy, rootPath: string, kind: BuildDirFacts['kind']): WorkingCopy {
  const { parts, reading } = copy;
  const pathBytes = Buffer.concat([Buffer.from(rootPath.endsWith('/') ? rootPath : `${rootPath}/`), joinedOf(copy)]);
  return {
    path: walkPathDisplay(rootPath, parts),
    pathB64: pathBytes.toString('base64'),
    project: printableBytes(joinParts(projectParts(parts, kind)), 300),
    mtimeMs: reading.mtimeMs,
    indexBytes: reading.indexBytes,
    remotes: reading.remotes.slice(0, 10),
    credentials: reading.credentials.slice(0, 10),
    submodules: reading.submodules,
    configProblem: reading.problem,
  };
}

function emptyWalk(root: string): WalkReport {
  return { root, entries: 0, limits: [], truncatedAt: [], symlinks: 0, specialFiles: 0, races: 0 };
}

/** Ranks what a reader should see first when the list is cut: credentials, then submodules, then the oldest. */
function byConcern(a: FoundCopy, b: FoundCopy): number {
  const x = a.reading;
  const y = b.reading;
  return y.credentials.length - x.credentials.length || Number(y.submodules) - Number(x.submodules) || x.mtimeMs - y.mtimeMs || Buffer.compare(joinedOf(a), joinedOf(b));
}

/** Walks one builds or cache dir within `limits`. */
export async function scanBuildDir(files: HostFiles, target: BuildDirTarget, limits: WalkLimits): Promise<BuildDirFacts> {
  const base = { path: safeText(target.path, 300), runners: target.runners.map((r) => safeText(r, 200)), kind: target.kind };
  const empty = { workingCopyCount: 0, distinctProjects: 0, withCredentials: 0, withSubmodules: 0, oldestMtimeMs: null, indexBytesTotal: 0, workingCopies: [] };
  const opened = files.openTree(target.path);
  if ('problem' in opened) {
    const exists = opened.problem !== 'absent';
    return { ...base, exists, problem: exists ? `cannot walk: ${opened.problem}` : null, ...empty, walk: emptyWalk(base.path) };
  }
  const copies: FoundCopy[] = [];
  const projects = new Set<string>();
  let walk: WalkReport;
  try {
    walk = await walkTree(opened.handle, base.path, limits, {
      enter: ({ dir, path }) => {
        const git = lstatOrNull(dir, '.git');
        if (!git || !['dir', 'file', 'symlink'].includes(git.type)) return 'list';
        copies.push(inspect(dir, git, [...path]));
        // Identity by bytes: two hostile names that print alike are still two projects.
        projects.add(projectKey(path, target.kind));
        return 'skip';
      },
    });
  } finally {
    opened.close();
  }
  let withCredentials = 0;
  let withSubmodules = 0;
  let indexBytesTotal = 0;
  let oldestMtimeMs: number | null = null;
  for (const { reading } of copies) {
    if (reading.credentials.length > 0) withCredentials++;
    if (reading.submodules) withSubmodules++;
    indexBytesTotal += reading.indexBytes;
    if (oldestMtimeMs === null || reading.mtimeMs < oldestMtimeMs) oldestMtimeMs = reading.mtimeMs;
  }
  return {
    ...base,
    exists: true,
    problem: null,
    workingCopyCount: copies.length,
    distinctProjects: projects.size,
    withCredentials,
    withSubmodules,
    oldestMtimeMs,
    indexBytesTotal,
    workingCopies: copies
      .sort(byConcern)
      .slice(0, MAX_LISTED_WORKING_COPIES)
      .map((copy) => toWorkingCopy(copy, target.path, target.kind)),
    walk,
  };
}
