import { printableBytes, safeText } from '../../agent/lib/sanitize.js';
import { walkPathDisplay, walkTree, type WalkLimits, type WalkReport } from '../../agent/lib/safe-walk.js';
import { TopN } from '../../agent/lib/top-n.js';
import { GIT_CONFIG_READ_BYTES, probeChildren, probeOpenDir, type ConfigRead, type GitDirProbe } from './git-dir-probe.js';
import { displayUrl, headerCredentials, parseGitConfig, urlCredentials, type UrlCredentials } from './git-config.js';
import type { HostFiles } from './host-files.js';
import { isJobTempDirName, readJobTempDir, type TempDirReading } from './job-temp-dirs.js';
import type { BuildDirFacts, JobTempDir, WorkingCopy } from './types.js';

/**
 * What jobs leave behind in builds and cache dirs. The walk looks for working copies (a `.git`
 * beside the files) and never lists inside one: a working copy is judged by `.git/config`,
 * `.git/modules` and `.git/index` alone, so the cost grows with the number of projects, not
 * with the files in them.
 */

/** Working copies listed in the facts (all are counted). */
export const MAX_LISTED_WORKING_COPIES = 200;
/** Job temp dirs with files listed in the facts (all are counted). */
export const MAX_LISTED_TEMP_DIRS = 30;
/** Remotes and credentials listed per working copy. */
const MAX_LISTED_REMOTES = 10;

export interface BuildDirTarget {
  path: string;
  kind: BuildDirFacts['kind'];
  runners: string[];
}

interface GitDirReading {
  /** Remote URLs as written, credentials included: shown only through displayUrl, and only for listed copies. */
  rawRemotes: string[];
  credentials: UrlCredentials[];
  submodules: boolean;
  indexBytes: number;
  mtimeMs: number;
  problem: string | null;
}

function configProblem(config: ConfigRead): string | null {
  switch (config.state) {
    case 'absent':
      return null;
    case 'not-opened':
      return `.git/config is a ${config.type}: not opened`;
    case 'failed':
      return `.git/config: ${config.code}`;
    case 'read':
      return config.truncated ? `.git/config is ${config.size} bytes: only the first ${GIT_CONFIG_READ_BYTES} were read` : null;
  }
}

function gitProblem(probe: GitDirProbe): string | null {
  if (probe.gitType === 'symlink') return '.git is a symlink: not followed';
  if (probe.gitType === 'file') return '.git is a file (a gitdir link): not followed';
  if (probe.gitOpenProblem) return `.git: ${probe.gitOpenProblem}`;
  return configProblem(probe.config);
}

/** The sections of .git/config that hold remotes and credentials. */
const CREDENTIAL_SECTIONS: ReadonlySet<string> = new Set(['remote', 'url', 'http']);

function reading(probe: GitDirProbe): GitDirReading {
  const into: GitDirReading = { rawRemotes: [], credentials: [], submodules: probe.submodules, indexBytes: probe.indexBytes, mtimeMs: probe.mtimeMs, problem: gitProblem(probe) };
  if (probe.config.state !== 'read') return into;
  for (const entry of parseGitConfig(probe.config.text, CREDENTIAL_SECTIONS)) {
    if (entry.section === 'remote' && entry.key === 'url') {
      if (into.rawRemotes.length < MAX_LISTED_REMOTES) into.rawRemotes.push(entry.value);
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
  return into;
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

function toWorkingCopy(copy: FoundCopy, rootPath: string, kind: BuildDirFacts['kind']): WorkingCopy {
  const { parts, reading } = copy;
  const pathBytes = Buffer.concat([Buffer.from(rootPath.endsWith('/') ? rootPath : `${rootPath}/`), joinedOf(copy)]);
  return {
    path: walkPathDisplay(rootPath, parts),
    pathB64: pathBytes.toString('base64'),
    project: printableBytes(joinParts(projectParts(parts, kind)), 300),
    mtimeMs: reading.mtimeMs,
    indexBytes: reading.indexBytes,
    remotes: reading.rawRemotes.map((url) => displayUrl(url, 300)),
    credentials: reading.credentials.slice(0, MAX_LISTED_REMOTES),
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
  const empty = { workingCopyCount: 0, distinctProjects: 0, withCredentials: 0, withSubmodules: 0, oldestMtimeMs: null, indexBytesTotal: 0, workingCopies: [], jobTempDirCount: 0, jobTempDirs: [] };
  const opened = files.openTree(target.path);
  if ('problem' in opened) {
    const exists = opened.problem !== 'absent';
    return { ...base, exists, problem: exists ? `cannot walk: ${opened.problem}` : null, ...empty, walk: emptyWalk(base.path) };
  }
  const listed = new TopN<FoundCopy>(MAX_LISTED_WORKING_COPIES, byConcern);
  const tempDirs = new TopN<JobTempDir>(MAX_LISTED_TEMP_DIRS, (a, b) => b.mtimeMs - a.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const projects = new Set<string>();
  const tally = { workingCopyCount: 0, withCredentials: 0, withSubmodules: 0, indexBytesTotal: 0, oldestMtimeMs: null as number | null, jobTempDirCount: 0 };
  let walk: WalkReport;
  try {
    const found = (probe: GitDirProbe, parts: Buffer[]): void => {
      const copy = { parts, reading: reading(probe) };
      tally.workingCopyCount++;
      if (copy.reading.credentials.length > 0) tally.withCredentials++;
      if (copy.reading.submodules) tally.withSubmodules++;
      tally.indexBytesTotal += copy.reading.indexBytes;
      if (tally.oldestMtimeMs === null || copy.reading.mtimeMs < tally.oldestMtimeMs) tally.oldestMtimeMs = copy.reading.mtimeMs;
      listed.offer(copy);
      // Identity by bytes: two hostile names that print alike are still two projects.
      projects.add(projectKey(parts, target.kind));
    };
    const foundTempDir = (reading: TempDirReading, parts: Buffer[]): void => {
      tally.jobTempDirCount++;
      const project = printableBytes(joinParts(projectParts(parts, target.kind)), 300).replace(/\.tmp$/, '');
      tempDirs.offer({ path: walkPathDisplay(target.path, parts), project, fileCount: reading.fileCount, files: reading.files, mtimeMs: reading.mtimeMs });
    };
    walk = await walkTree(opened.handle, base.path, limits, {
      // Subdirectories are probed before the walk would enter them (claim); only the walk's
      // root is met already open.
      enter: ({ dir, path }) => {
        const probe = path.length === 0 ? probeOpenDir(dir) : null;
        if (!probe) return 'list';
        found(probe, []);
        return 'skip';
      },
      claim: ({ dir, path }, names) =>
        probeChildren(dir, names).map((probe, i) => {
          const name = names[i] as Buffer;
          if (probe) {
            found(probe, [...path, name]);
            return true;
          }
          if (!isJobTempDirName(name)) return false;
          // Looked at by name only, and never walked: what a job left there is not ours to list.
          const reading = readJobTempDir(dir, name);
          if (reading && reading.fileCount > 0) foundTempDir(reading, [...path, name]);
          return reading !== null;
        }),
    });
  } finally {
    opened.close();
  }
  return {
    ...base,
    exists: true,
    problem: null,
    ...tally,
    distinctProjects: projects.size,
    workingCopies: listed.items().map((copy) => toWorkingCopy(copy, target.path, target.kind)),
    jobTempDirs: [...tempDirs.items()],
    walk,
  };
}
