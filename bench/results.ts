import type { BuildsOnlyResult } from './builds-only.js';
import type { Coverage } from './coverage.js';
import type { EngineCounts } from './engine.js';
import type { Machine } from './machine.js';
import { units, type Dimension, type Matrix, type Size } from './matrix.js';
import type { ScanSample } from './measure.js';
import type { SoakResult } from './soak.js';
import type { MedianSample } from './stats.js';

export interface SizeResult {
  label: string;
  size: Size;
  engine: EngineCounts;
  /** Files and directories the builds tree holds. */
  buildEntries: number;
  /** What the scan saw there (from one `facts` run). */
  seen: Coverage;
  loadAverage: number;
  median: MedianSample;
  /** Collector statuses that were not ok in any run (name: message). */
  collectorProblems: Record<string, string>;
  samples: ScanSample[];
}

/** A process that loads and exits: the fixed cost every scan pays before collecting anything. */
export interface FloorResult {
  label: string;
  loadAverage: number;
  median: MedianSample;
  samples: ScanSample[];
}

export interface SpanResult {
  dimension: Dimension;
  from: string;
  to: string;
  extraUnits: number;
  wallMsPerUnit: number;
  cpuMsPerUnit: number;
  /** Scan CPU plus the engine CPU it caused: what the host pays, less sensitive to other load than wall time. */
  hostCpuMsPerUnit: number;
  peakRssKbPerUnit: number;
  dockerdCpuMsPerUnit: number | null;
  collectorMsPerUnit: Record<string, number>;
  /** False when a collector failed at either end: the difference then measures the failure, not the load. */
  comparable: boolean;
}

export interface Verdict {
  name: string;
  goal: string;
  value: string;
  /** null: an informational row with no goal to meet, never a failure. */
  met: boolean | null;
}

export interface BenchReport {
  machine: Machine;
  /** How the measured build reaches files with scan.file_access = "auto" (its `--version`). */
  fileAccess: string;
  matrix: Matrix;
  floors: FloorResult[];
  results: SizeResult[];
  /** The largest builds tree scanned with Docker off, per file access mode. */
  buildsOnly: BuildsOnlyResult;
  spans: SpanResult[];
  verdicts: Verdict[];
  soak: SoakResult | null;
}

/** Run-to-run noise allowed in the shape checks (GNU time counts CPU in 10 ms steps). */
const NOISE_MS = 50;

function complete(result: SizeResult): boolean {
  return Object.keys(result.collectorProblems).length === 0 && result.seen.collectorErrors.length === 0;
}

function hostCpu(result: SizeResult): number {
  return result.median.cpuMs + (result.median.dockerdCpuMs ?? 0);
}

export function spanResult(results: readonly SizeResult[], span: Matrix['spans'][number]): SpanResult {
  const from = results[span.from] as SizeResult;
  const to = results[span.to] as SizeResult;
  const extra = units(to.size, span.dimension) - units(from.size, span.dimension);
  const per = (a: number, b: number): number => (b - a) / extra;
  const engine = from.median.dockerdCpuMs !== null && to.median.dockerdCpuMs !== null ? per(from.median.dockerdCpuMs, to.median.dockerdCpuMs) : null;
  return {
    dimension: span.dimension,
    from: from.label,
    to: to.label,
    extraUnits: extra,
    wallMsPerUnit: per(from.median.wallMs, to.median.wallMs),
    cpuMsPerUnit: per(from.median.cpuMs, to.median.cpuMs),
    hostCpuMsPerUnit: per(hostCpu(from), hostCpu(to)),
    peakRssKbPerUnit: per(from.median.peakRssMb * 1024, to.median.peakRssMb * 1024),
    dockerdCpuMsPerUnit: engine,
    collectorMsPerUnit: Object.fromEntries(Object.keys(to.median.collectorsMs).map((name) => [name, per(from.median.collectorsMs[name] ?? 0, to.median.collectorsMs[name] ?? 0)])),
    comparable: complete(from) && complete(to),
  };
}

function costliestCollector(result: SizeResult): string {
  const [name, ms] = Object.entries(result.median.collectorsMs).sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  return `${name} ${Math.round(ms)} ms`;
}

const signed = (value: number): string => `${value >= 0 ? '+' : ''}${Math.round(value)}`;
const incomplete = ' (a collector failed: not comparable)';

/** The time and memory targets, judged on median wall time and peak RSS. */
function targetVerdicts(matrix: Matrix, results: readonly SizeResult[], spans: readonly SpanResult[]): Verdict[] {
  const target = results[matrix.target] as SizeResult;
  const many = results[matrix.targetManyContainers] as SizeResult;
  const note = (result: SizeResult): string => (complete(result) ? '' : incomplete);
  const last = spans[spans.length - 1] as SpanResult;
  return [
    { name: `${target.label}: wall`, goal: '< 1500 ms', value: `${Math.round(target.median.wallMs)} ms (most: ${costliestCollector(target)})${note(target)}`, met: complete(target) && target.median.wallMs < 1500 },
    { name: `${target.label}: peak RSS`, goal: '< 150 MB', value: `${target.median.peakRssMb.toFixed(1)} MB${note(target)}`, met: complete(target) && target.median.peakRssMb < 150 },
    { name: `${many.label}: wall`, goal: '< 2500 ms', value: `${Math.round(many.median.wallMs)} ms (most: ${costliestCollector(many)})${note(many)}`, met: complete(many) && many.median.wallMs < 2500 },
    {
      name: `per extra container (${last.from} -> ${last.to})`,
      goal: '< 5 ms wall',
      value: `${last.wallMsPerUnit.toFixed(2)} ms wall, ${last.hostCpuMsPerUnit.toFixed(2)} ms host CPU${last.comparable ? '' : incomplete}`,
      met: last.comparable && last.wallMsPerUnit < 5,
    },
  ];
}

/**
 * Shape checks, judged on host CPU (scan + engine) rather than wall time: on a shared 2-core machine
 * wall-time differences are mostly other people's load.
 */
function shapeVerdicts(results: readonly SizeResult[], spans: readonly SpanResult[]): Verdict[] {
  const list: Verdict[] = [];
  for (const dimension of ['container', 'image', 'project'] as const) {
    const pair = spans.filter((s) => s.dimension === dimension).slice(0, 2);
    if (pair.length < 2) continue;
    const [first, second] = pair as [SpanResult, SpanResult];
    // Linear or better: the second span's marginal cost is at most 1.5x the first's (or the average over
    // both spans, when noise makes the first look free), give or take NOISE_MS over the span.
    const overall = (first.hostCpuMsPerUnit * first.extraUnits + second.hostCpuMsPerUnit * second.extraUnits) / (first.extraUnits + second.extraUnits);
    const excessMs = (second.hostCpuMsPerUnit - 1.5 * Math.max(first.hostCpuMsPerUnit, overall, 0)) * second.extraUnits;
    const comparable = first.comparable && second.comparable;
    list.push({
      name: `${dimension}: linear or better`,
      goal: `2nd span <= 1.5x 1st (+${NOISE_MS} ms), host CPU`,
      value: `${first.hostCpuMsPerUnit.toFixed(3)} then ${second.hostCpuMsPerUnit.toFixed(3)} ms/${dimension}${comparable ? '' : incomplete}`,
      met: comparable && excessMs <= NOISE_MS,
    });
  }
  const files = spans.find((s) => s.dimension === 'file') as SpanResult;
  const [base, many] = [results.find((r) => r.label === files.from), results.find((r) => r.label === files.to)] as [SizeResult, SizeResult];
  list.push({
    name: `files per working copy: entries walked (${files.from} -> ${files.to})`,
    goal: 'the same',
    value: `${base.seen.walkedEntries} -> ${many.seen.walkedEntries} of ${base.buildEntries} -> ${many.buildEntries} on disk`,
    met: many.seen.walkedEntries === base.seen.walkedEntries,
  });
  const grownCpu = files.cpuMsPerUnit * files.extraUnits;
  // Allowed: 10% of the base, or the base's own run-to-run spread when that is larger, plus NOISE_MS.
  const baseCpu = base.samples.map((sample) => sample.cpuMs);
  const allowance = Math.max(0.1 * base.median.cpuMs, Math.max(...baseCpu) - Math.min(...baseCpu)) + NOISE_MS;
  list.push({
    name: `files per working copy: scan CPU (${files.from} -> ${files.to})`,
    goal: `+<= max(10%, run spread) + ${NOISE_MS} ms`,
    value: `${signed(grownCpu)} ms cpu (allowed ${Math.round(allowance)}), ${signed(files.wallMsPerUnit * files.extraUnits)} ms wall${files.comparable ? '' : incomplete}`,
    met: files.comparable && grownCpu <= allowance,
  });
  return list;
}

export function verdicts(matrix: Matrix, results: readonly SizeResult[], spans: readonly SpanResult[]): Verdict[] {
  // The absolute targets are for the sizes: a quick run is too small to judge them.
  return [...(matrix.name === 'full' ? targetVerdicts(matrix, results, spans) : []), ...shapeVerdicts(results, spans)];
}
