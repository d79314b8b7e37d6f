import { DirHandle, SafeFsError, resolveParent, type FileType } from './safe-fs.js';
import { printableBytes } from './sanitize.js';

/**
 * A bounded, symlink-free walk of a tree that hostile jobs wrote.
 *
 * - Directories are opened one at a time relative to their parent's fd with O_NOFOLLOW, so a
 *   symlink is never entered, and a directory swapped for a symlink after it was listed fails
 *   to open (counted as a race) instead of redirecting the walk.
 * - Names stay bytes from listing to opening; only reports turn them into sanitised text.
 * - Entries, depth and time are capped; every cap that bites is reported with where it bit,
 *   so a cut walk never passes for a clean one.
 * - Only directories are opened. Files are the visitor's business (through DirHandle, which
 *   refuses FIFOs, devices and symlinks).
 * - The fs calls are synchronous, so the walk watches the clock itself, and hands the event
 *   loop back every few milliseconds so timers, signals and other collectors keep running.
 */

export interface WalkLimits {
  /** Directory entries the walk may look at in total. */
  maxEntries: number;
  /** Levels below the root the walk may enter (the root is depth 0). */
  maxDepth: number;
  /** Epoch ms after which the walk stops. */
  deadline: number;
  /** Aborted when the caller's own deadline passes (the collector's signal): the walk stops as for `deadline`. */
  signal?: AbortSignal;
}

/** Longest stretch of synchronous work before the walk yields to the event loop. */
const SLICE_MS = 20;

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Why a walk stopped early. */
export type WalkLimit = 'entries' | 'depth' | 'time';

/** What one bounded walk saw, and where it was cut short. */
export interface WalkReport {
  /** Host path of the walk's root. */
  root: string;
  /** Directory entries looked at. */
  entries: number;
  /** Limits hit, each once. */
  limits: WalkLimit[];
  /** Up to a few host paths where the walk was cut (sanitised). */
  truncatedAt: string[];
  /** Symlinks met and not followed. */
  symlinks: number;
  /** FIFOs, sockets and devices met and never opened. */
  specialFiles: number;
  /** Directories that vanished or stopped being directories between listing and opening: skipped. */
  races: number;
}

export interface DirVisit {
  /** The open directory: read its children through it, never by path. */
  dir: DirHandle;
  /** Components below the walk root, as bytes. */
  path: readonly Buffer[];
  depth: number;
}

export interface WalkVisitor {
  /**
   * Called for each directory reached (the root first), before it is listed.
   * 'skip' leaves it unlisted: a project working copy is judged by a few known children, and
   * the cost of the walk must not grow with the files inside it.
   */
  enter(visit: DirVisit): 'list' | 'skip';
  /**
   * Called with subdirectories of a listed directory (up to CLAIM_BATCH at a time, in order)
   * before the walk opens them. Returns one flag per name; true: the visitor dealt with that one
   * through `visit.dir` (the parent), and the walk neither opens nor lists it. A visitor that
   * judges a directory by a few known children does so in one step, and for many at once.
   */
  claim?(visit: DirVisit, names: Buffer[]): boolean[];
  /** Called for each regular file of a listed directory (by name: open it through `visit.dir`). */
  file?(visit: DirVisit, name: Buffer): void;
}

const MAX_TRUNCATION_SAMPLES = 5;
/** The clock is read once per this many entries (and on every directory). */
const CLOCK_EVERY = 512;

interface Frame {
  dir: DirHandle;
  path: Buffer[];
  depth: number;
  subdirs: Buffer[];
  next: number;
  /** claim() flags for subdirs[claimedFrom .. claimedFrom + claimed.length). */
  claimedFrom: number;
  claimed: boolean[];
}

/** Subdirectories offered to claim() per call: the walk checks its clock between calls. */
export const CLAIM_BATCH = 256;

/** Whether the visitor claimed subdirs[index], asking it for the next batch when needed. */
function claimed(frame: Frame, index: number, visitor: WalkVisitor): boolean {
  if (!visitor.claim) return false;
  if (index >= frame.claimedFrom + frame.claimed.length) {
    frame.claimedFrom = index;
    frame.claimed = visitor.claim({ dir: frame.dir, path: frame.path, depth: frame.depth }, frame.subdirs.slice(index, index + CLAIM_BATCH));
  }
  return frame.claimed[index - frame.claimedFrom] === true;
}

const SPECIAL: ReadonlySet<FileType> = new Set(['fifo', 'socket', 'char', 'block']);

/** Display form of a path below a walk root. */
export function walkPathDisplay(rootHostPath: string, parts: readonly Buffer[], max = 300): string {
  if (parts.length === 0) return printableBytes(Buffer.from(rootHostPath), max);
  const joined = Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from('/'), part])));
  const prefix = rootHostPath.endsWith('/') ? rootHostPath : `${rootHostPath}/`;
  return printableBytes(Buffer.concat([Buffer.from(prefix), joined]), max);
}

class WalkState {
  readonly report: WalkReport;
  private stopped = false;

  constructor(
    readonly rootHostPath: string,
    readonly limits: WalkLimits,
  ) {
    this.report = { root: rootHostPath, entries: 0, limits: [], truncatedAt: [], symlinks: 0, specialFiles: 0, races: 0 };
  }

  get done(): boolean {
    return this.stopped;
  }

  cut(limit: WalkLimit, at: readonly Buffer[], stop: boolean): void {
    if (!this.report.limits.includes(limit)) this.report.limits.push(limit);
    if (this.report.truncatedAt.length < MAX_TRUNCATION_SAMPLES) {
      const where = walkPathDisplay(this.rootHostPath, at);
      if (!this.report.truncatedAt.includes(where)) this.report.truncatedAt.push(where);
    }
    if (stop) this.stopped = true;
  }

  outOfTime(at: readonly Buffer[]): boolean {
    if (Date.now() <= this.limits.deadline && !this.limits.signal?.aborted) return false;
    this.cut('time', at, true);
    return true;
  }

  remainingEntries(): number {
    return Math.max(0, this.limits.maxEntries - this.report.entries);
  }
}

function classify(dir: DirHandle, name: Buffer, listed: FileType): FileType {
  // Some filesystems do not fill d_type; ask lstat (never follows) instead of guessing.
  if (listed !== 'other') return listed;
  try {
    return dir.lstat(name).type;
  } catch {
    return 'other';
  }
}

/** Lists one directory within the remaining budget; returns its subdirectories. */
function listSubdirs(frame: Frame, state: WalkState, visitor: WalkVisitor): Buffer[] {
  const budget = state.remainingEntries();
  const { entries, truncated } = frame.dir.list(budget);
  const subdirs: Buffer[] = [];
  for (const [index, entry] of entries.entries()) {
    state.report.entries += 1;
    if (index % CLOCK_EVERY === CLOCK_EVERY - 1 && state.outOfTime(frame.path)) break;
    const type = classify(frame.dir, entry.name, entry.type);
    if (type === 'dir') subdirs.push(entry.name);
    else if (type === 'file') visitor.file?.({ dir: frame.dir, path: frame.path, depth: frame.depth }, entry.name);
    else if (type === 'symlink') state.report.symlinks += 1;
    else if (SPECIAL.has(type)) state.report.specialFiles += 1;
  }
  if (truncated) state.cut('entries', frame.path, true);
  return subdirs;
}

function openChild(parent: Frame, name: Buffer, state: WalkState): DirHandle | null {
  try {
    return parent.dir.openDir(name);
  } catch (error) {
    // Listed as a directory, now a symlink, a file or gone: someone is changing the tree under us.
    if (error instanceof SafeFsError && ['symlink', 'not-directory', 'not-found', 'loop'].includes(error.code)) {
      state.report.races += 1;
      return null;
    }
    if (error instanceof SafeFsError && error.code === 'denied') return null;
    throw error;
  }
}

/**
 * Walks the tree under `root` depth first, calling the visitor on each directory.
 * The caller keeps ownership of `root`; every directory the walk opens is closed before it returns.
 */
export async function walkTree(root: DirHandle, rootHostPath: string, limits: WalkLimits, visitor: WalkVisitor): Promise<WalkReport> {
  const state = new WalkState(rootHostPath, limits);
  const stack: Frame[] = [];
  const enter = (dir: DirHandle, path: Buffer[], depth: number): void => {
    const frame: Frame = { dir, path, depth, subdirs: [], next: 0, claimedFrom: 0, claimed: [] };
    stack.push(frame);
    if (visitor.enter({ dir, path, depth }) === 'list') frame.subdirs = listSubdirs(frame, state, visitor);
  };
  let sliceStart = performance.now();
  try {
    enter(root, [], 0);
    while (stack.length > 0 && !state.done) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
      const frame = stack[stack.length - 1] as Frame;
      if (state.outOfTime(frame.path)) break;
      const index = frame.next++;
      const name = frame.subdirs[index];
      if (name === undefined) {
        stack.pop();
        if (frame.dir !== root) frame.dir.close();
        continue;
      }
      if (frame.depth + 1 > limits.maxDepth) {
        // Not entered: what lies below is unknown, and the report says so.
        state.cut('depth', frame.path, false);
        frame.next = frame.subdirs.length;
        continue;
      }
      if (claimed(frame, index, visitor)) continue;
      const child = openChild(frame, name, state);
      if (child) enter(child, [...frame.path, name], frame.depth + 1);
    }
  } finally {
    for (const frame of stack) if (frame.dir !== root) frame.dir.close();
  }
  return state.report;
}

export type OpenTreeResult = { dir: DirHandle } | { problem: 'absent' | 'symlink' | 'not-directory' | 'denied' | 'error'; detail: string };

/**
 * Opens the root of a job-writable tree: its parents are trusted system paths (symlinks there
 * are followed within the host root, like /var/run -> /run), but the last component is job
 * territory and must be a real directory, never a symlink.
 */
export function openTreeRoot(hostRoot: string, hostPath: string): OpenTreeResult {
  let resolved: ReturnType<typeof resolveParent>;
  try {
    resolved = resolveParent(hostRoot, hostPath, 'within-root');
  } catch (error) {
    return treeProblem(error);
  }
  const { parent, name } = resolved;
  if (name === '.') return { dir: parent };
  try {
    return { dir: parent.openDir(name) };
  } catch (error) {
    return treeProblem(error);
  } finally {
    parent.close();
  }
}

function treeProblem(error: unknown): OpenTreeResult {
  if (!(error instanceof SafeFsError)) return { problem: 'error', detail: 'unexpected error' };
  const detail = `${error.code}`;
  if (error.code === 'not-found') return { problem: 'absent', detail };
  if (error.code === 'symlink' || error.code === 'loop') return { problem: 'symlink', detail };
  if (error.code === 'not-directory') return { problem: 'not-directory', detail };
  if (error.code === 'denied') return { problem: 'denied', detail };
  return { problem: 'error', detail };
}
