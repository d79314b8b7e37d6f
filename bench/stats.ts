import type { ScanSample } from './measure.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Each figure's median over the runs, taken figure by figure. */
export interface MedianSample {
  wallMs: number;
  /** The fastest run: the best estimate of wall time on a machine nobody else is using. */
  minWallMs: number;
  cpuMs: number;
  userMs: number;
  sysMs: number;
  peakRssMb: number;
  scanSpanMs: number;
  dockerdCpuMs: number | null;
  collectorsMs: Record<string, number>;
  findings: number;
}

export function medianOf(samples: readonly ScanSample[]): MedianSample {
  const of = (pick: (s: ScanSample) => number): number => median(samples.map(pick));
  const engine = samples.map((s) => s.dockerdCpuMs).filter((v): v is number => v !== null);
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.collectors)))];
  return {
    wallMs: of((s) => s.wallMs),
    minWallMs: Math.min(...samples.map((s) => s.wallMs)),
    cpuMs: of((s) => s.cpuMs),
    userMs: of((s) => s.userMs),
    sysMs: of((s) => s.sysMs),
    peakRssMb: of((s) => s.peakRssMb),
    scanSpanMs: of((s) => s.scanSpanMs),
    dockerdCpuMs: engine.length === samples.length ? median(engine) : null,
    collectorsMs: Object.fromEntries(names.map((name) => [name, of((s) => s.collectors[name]?.ms ?? Number.NaN)])),
    findings: of((s) => s.findings),
  };
}
