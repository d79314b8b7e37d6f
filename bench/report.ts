import type { Coverage } from './coverage.js';
import type { EngineCounts } from './engine.js';
import type { Machine } from './machine.js';
import { units, type Dimension, type Matrix, type Size } from './matrix.js';
import type { ScanSample } from './measure.js';
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
}

export interface Verdict {
  name: string;
  goal: string;
  value: string;
  met: boolean;
}

const NOISE_MS = 30;

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
  };
}

function costliestCollector(result: SizeResult): string {
  const entries = Object.entries(result.median.collectorsMs).sort((a, b) => b[1] - a[1]);
  const [name, ms] = entries[0] ?? ['none', 0];
  return `${name} ${Math.round(ms)} ms`;
}

/** The targets, and the shape checks (linear or better, flat in files per working copy). */
export function verdicts(matrix: Matrix, results: readonly SizeResult[], spans: readonly SpanResult[]): Verdict[] {
  const target = results[matrix.target] as SizeResult;
  const many = results[matrix.targetManyContainers] as SizeResult;
  const list: Verdict[] = [];
  if (matrix.name === 'full') {
    list.push(
      { name: `${target.label}: wall`, goal: '< 1500 ms', value: `${Math.round(target.median.wallMs)} ms (most: ${costliestCollector(target)})`, met: target.median.wallMs < 1500 },
      { name: `${target.label}: peak RSS`, goal: '< 150 MB', value: `${target.median.peakRssMb.toFixed(1)} MB`, met: target.median.peakRssMb < 150 },
      { name: `${many.label}: wall`, goal: '< 2500 ms', value: `${Math.round(many.median.wallMs)} ms (most: ${costliestCollector(many)})`, met: many.median.wallMs < 2500 },
    );
  }
  const last = spans[spans.length - 1] as SpanResult;
  list.push({ name: `per extra container (${last.from} -> ${last.to})`, goal: '< 5 ms wall', value: `${last.wallMsPerUnit.toFixed(2)} ms`, met: last.wallMsPerUnit < 5 });
  // Shape checks use host CPU (scan + engine), not wall: wall slopes on a shared 2-core machine are mostly other people's load.
  for (const dimension of ['container', 'image', 'project'] as const) {
    const pair = spans.filter((s) => s.dimension === dimension).slice(0, 2);
    if (pair.length < 2) continue;
    const [first, second] = pair as [SpanResult, SpanResult];
    // Linear or better: the second span's marginal cost is no more than 1.5x the first's, give or take run noise.
    const excessMs = (second.hostCpuMsPerUnit - 1.5 * Math.max(first.hostCpuMsPerUnit, 0)) * second.extraUnits;
    list.push({
      name: `${dimension}: linear or better (host CPU)`,
      goal: `2nd span <= 1.5x 1st (+${NOISE_MS} ms)`,
      value: `${first.hostCpuMsPerUnit.toFixed(3)} then ${second.hostCpuMsPerUnit.toFixed(3)} ms/${dimension}`,
      met: excessMs <= NOISE_MS,
    });
  }
  const files = spans.find((s) => s.dimension === 'file') as SpanResult;
  const base = results[0] as SizeResult;
  const grownCpu = files.cpuMsPerUnit * files.extraUnits;
  const grownWall = files.wallMsPerUnit * files.extraUnits;
  list.push({
    name: `files per working copy (${files.from} -> ${files.to})`,
    goal: `scan CPU +<= 10% (+${NOISE_MS} ms)`,
    value: `cpu ${signed(grownCpu)} ms, wall ${signed(grownWall)} ms`,
    met: grownCpu <= 0.1 * base.median.cpuMs + NOISE_MS,
  });
  return list;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${Math.round(value)}`;
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i] as number, i === 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ms = (value: number | null | undefined): string => (value === null || value === undefined || Number.isNaN(value) ? '-' : String(Math.round(value)));

export function renderReport(machine: Machine, matrix: Matrix, floors: readonly FloorResult[], results: readonly SizeResult[], spans: readonly SpanResult[], checks: readonly Verdict[]): string {
  const collectors = [...new Set(results.flatMap((r) => Object.keys(r.median.collectorsMs)))];
  const sizes = table(
    ['size', 'wall ms', 'min wall', 'cpu ms', 'rss MB', 'scan ms', 'dockerd ms', ...collectors, 'findings', 'load'],
    [...floors, ...results].map((r) => [
      r.label,
      ms(r.median.wallMs),
      ms(r.median.minWallMs),
      ms(r.median.cpuMs),
      r.median.peakRssMb.toFixed(1),
      ms(r.median.scanSpanMs),
      ms(r.median.dockerdCpuMs),
      ...collectors.map((c) => ms(r.median.collectorsMs[c])),
      'size' in r ? String(r.median.findings) : '-',
      r.loadAverage.toFixed(2),
    ]),
  );
  const slopes = table(
    ['span', 'per', 'wall ms', 'cpu ms', 'host cpu ms', 'rss KB', 'dockerd ms', ...collectors],
    spans.map((s) => [
      `${s.from} -> ${s.to}`,
      s.dimension,
      s.wallMsPerUnit.toFixed(3),
      s.cpuMsPerUnit.toFixed(3),
      s.hostCpuMsPerUnit.toFixed(3),
      s.peakRssKbPerUnit.toFixed(1),
      s.dockerdCpuMsPerUnit === null ? '-' : s.dockerdCpuMsPerUnit.toFixed(3),
      ...collectors.map((c) => (s.collectorMsPerUnit[c] ?? Number.NaN).toFixed(3)),
    ]),
  );
  const seen = table(
    ['size', 'runners', 'containers', 'image tags', 'working copies', 'walked', 'walk limits', 'private keys', 'problems'],
    results.map((r) => [
      r.label,
      String(r.seen.runners),
      `${r.seen.containers}/${r.engine.runningContainers}`,
      `${r.seen.imageTags}/${r.engine.imageTags}`,
      `${r.seen.workingCopies}/${r.size.projects}`,
      `${r.seen.walkedEntries}/${r.buildEntries}`,
      r.seen.walkLimits.join(',') || '-',
      String(r.seen.privateKeys),
      String(r.seen.problems),
    ]),
  );
  const goals = table(['check', 'goal', 'measured', 'met'], checks.map((v) => [v.name, v.goal, v.value, v.met ? 'yes' : 'NO']));
  const problems = results.flatMap((r) => [
    ...Object.entries(r.collectorProblems).map(([name, message]) => `  ${r.label}: ${name}: ${message}`),
    ...r.seen.collectorErrors.map((message) => `  ${r.label} (facts run): ${message}`),
  ]);
  return [
    `runner-warden scan bench (${matrix.name} matrix, median of ${matrix.runs} runs after a warm-up)`,
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Linux ${machine.kernel}, Node ${machine.node}`,
    'N containers running, M image tags, P project working copies (F files each; 1 unless shown).',
    'wall/cpu/rss: the whole process (median); min wall: fastest run; scan ms: the scan\'s own startedAt..finishedAt;',
    'dockerd ms: engine CPU while the scan ran; collector columns: each collector\'s durationMs; load: 1-min load average.',
    '',
    sizes,
    '',
    'What the scan saw (seen/built; containers and tags: seen/on the engine):',
    seen,
    '',
    'Marginal cost (per extra unit):',
    slopes,
    '',
    goals,
    ...(problems.length > 0 ? ['', 'Collector problems:', ...problems] : []),
    '',
  ].join('\n');
}
