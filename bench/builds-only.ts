/**
 * Issue 5's figure, measured on its own: "a builds tree of 20,000 project working copies is judged in
 * under a second". The full-load sizes mix it with the Docker engine's cost, so here the largest host of
 * the matrix is scanned again with Docker off, once per file access mode.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { collectCoverage, type Coverage } from './coverage.js';
import type { LoadedHost } from './host.js';
import { loadAverage } from './machine.js';
import type { Size } from './matrix.js';
import { collectorProblems, measureScan, type ScanSample } from './measure.js';
import type { Verdict } from './results.js';
import { medianOf, type MedianSample } from './stats.js';

export type FileAccessMode = 'native' | 'portable';

const MODES: readonly FileAccessMode[] = ['native', 'portable'];

/** Issue 5's goal for the scan's own time (startedAt..finishedAt), native file access. */
const GOAL_SCAN_MS = 1000;

export interface MeasuredMode {
  mode: FileAccessMode;
  /** What the coverage (warm-up) run saw. */
  seen: Coverage;
  loadAverage: number;
  median: MedianSample;
  /** Collector statuses that were not ok in any run (name: message). */
  collectorProblems: Record<string, string>;
  samples: ScanSample[];
}

/** A mode the measured build cannot use (native without its addon): why. */
export interface UnavailableMode {
  mode: FileAccessMode;
  unavailable: string;
}

export type ModeResult = MeasuredMode | UnavailableMode;

export interface BuildsOnlyResult {
  /** Working copies in the tree: the matrix's largest P. */
  projects: number;
  /** Files and directories the builds tree holds. */
  buildEntries: number;
  modes: ModeResult[];
}

/** How the measured build reaches files with scan.file_access = "auto", from its `--version`. */
export interface BuildFileAccess {
  /** As printed: "native", or "portable (why)". */
  auto: string;
  /** Why native access is unavailable, or null when it is available. */
  nativeProblem: string | null;
}

export function fileAccessOfBuild(cli: string): BuildFileAccess {
  const version = execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
  const auto = /^file access: (.+)$/m.exec(version)?.[1];
  if (!auto) throw new Error(`${cli} --version has no "file access" line: ${JSON.stringify(version)}`);
  if (auto === 'native') return { auto, nativeProblem: null };
  return { auto, nativeProblem: /^portable \((.*)\)$/.exec(auto)?.[1] ?? auto };
}

/** The size whose builds tree is the issue's: the most working copies, one file each. */
export function largestBuildsTree(sizes: readonly Size[]): Size {
  const plain = sizes.filter((size) => size.filesPerCopy === 1);
  const largest = plain.reduce<Size | undefined>((best, size) => (best && best.projects >= size.projects ? best : size), undefined);
  if (!largest) throw new Error('the matrix has no size with one file per working copy');
  return largest;
}

/** runner-warden's config for the builds-only scans: the builds tree alone, the given file access. */
function buildsOnlyConfig(root: string, mode: FileAccessMode): string {
  return [
    '[scan]',
    `root = ${JSON.stringify(root)}`,
    `file_access = ${JSON.stringify(mode)}`,
    '',
    '[docker]',
    'enabled = false',
    '',
    '[network]',
    'metadata_probes = "never"',
    '',
  ].join('\n');
}

interface BuildsOnlyTarget {
  cli: string;
  host: LoadedHost;
  /** Where the per-mode config files go. */
  configDir: string;
  runs: number;
}

/** Same method as the sizes: the coverage run doubles as the warm-up, then `runs` measured scans. */
async function measureMode(mode: FileAccessMode, target: BuildsOnlyTarget): Promise<MeasuredMode> {
  const configFile = path.join(target.configDir, `builds-only-${mode}.toml`);
  fs.writeFileSync(configFile, buildsOnlyConfig(target.host.root, mode));
  const command = { cli: target.cli, root: target.host.root, configFile };
  const seen = await collectCoverage(command);
  const load = loadAverage();
  const samples: ScanSample[] = [];
  for (let run = 0; run < target.runs; run += 1) samples.push(await measureScan(command));
  return { mode, seen, loadAverage: load, median: medianOf(samples), collectorProblems: collectorProblems(samples), samples };
}

export async function measureBuildsOnly(target: BuildsOnlyTarget, access: BuildFileAccess): Promise<BuildsOnlyResult> {
  const modes: ModeResult[] = [];
  for (const mode of MODES) {
    // Config loading refuses file_access = "native" without the addon: record why instead of failing the bench.
    if (mode === 'native' && access.nativeProblem !== null) modes.push({ mode, unavailable: access.nativeProblem });
    else modes.push(await measureMode(mode, target));
  }
  return { projects: target.host.projects, buildEntries: target.host.buildEntries, modes };
}

export function isMeasured(result: ModeResult): result is MeasuredMode {
  return !('unavailable' in result);
}

/** Why a run's figure does not stand for the whole tree, or '' when it does. */
function shortfall(result: MeasuredMode, projects: number): string {
  if (Object.keys(result.collectorProblems).length > 0 || result.seen.collectorErrors.length > 0) return ' (a collector failed)';
  if (result.seen.walkLimits.length > 0) return ` (walk cut short: ${result.seen.walkLimits.join(', ')})`;
  if (result.seen.workingCopies !== projects) return ` (saw ${result.seen.workingCopies} of ${projects} working copies)`;
  return '';
}

function modeVerdict(result: ModeResult, projects: number): Verdict {
  const name = `builds tree of ${projects} working copies judged (scan ms, Docker off, ${result.mode})`;
  // Only native access carries the goal; the portable figure shows what the fallback costs.
  const judged = result.mode === 'native';
  const goal = judged ? `< ${GOAL_SCAN_MS} ms` : 'informational';
  if (!isMeasured(result)) return { name, goal, value: `not measured: ${result.unavailable}`, met: judged ? false : null };
  const note = shortfall(result, projects);
  const value = `${Math.round(result.median.scanSpanMs)} ms (system collector ${Math.round(result.median.collectorsMs.system ?? Number.NaN)} ms)${note}`;
  return { name, goal, value, met: judged ? note === '' && result.median.scanSpanMs < GOAL_SCAN_MS : null };
}

export function buildsOnlyVerdicts(result: BuildsOnlyResult): Verdict[] {
  return result.modes.map((mode) => modeVerdict(mode, result.projects));
}
