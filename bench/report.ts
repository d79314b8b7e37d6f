import { isMeasured, type BuildsOnlyResult } from './builds-only.js';
import type { BenchReport } from './results.js';

export type ReportFormat = 'text' | 'markdown';

function table(format: ReportFormat, header: string[], rows: string[][]): string {
  if (format === 'markdown') {
    const line = (cells: string[]): string => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
    return [line(header), `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ms = (value: number | null | undefined): string => (value === null || value === undefined || Number.isNaN(value) ? '-' : String(Math.round(value)));
const fixed = (value: number | null | undefined, digits: number): string => (value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));

function buildsOnlyTable(format: ReportFormat, buildsOnly: BuildsOnlyResult): string {
  const { projects, buildEntries } = buildsOnly;
  return table(
    format,
    ['file access', 'wall ms', 'scan ms', 'system ms', 'runner-config ms', 'cpu ms', 'rss MB', 'working copies', 'entries walked', 'load'],
    buildsOnly.modes.map((m) =>
      isMeasured(m)
        ? [
            m.mode,
            ms(m.median.wallMs),
            ms(m.median.scanSpanMs),
            ms(m.median.collectorsMs.system),
            ms(m.median.collectorsMs['runner-config']),
            ms(m.median.cpuMs),
            fixed(m.median.peakRssMb, 1),
            `${m.seen.workingCopies}/${projects}`,
            `${m.seen.walkedEntries}/${buildEntries}`,
            m.loadAverage.toFixed(2),
          ]
        : [`${m.mode} (not available)`, '-', '-', '-', '-', '-', '-', '-', '-', '-'],
    ),
  );
}

function buildsOnlyProblems(bullet: string, buildsOnly: BuildsOnlyResult): string[] {
  return buildsOnly.modes.filter(isMeasured).flatMap((m) => {
    const label = `builds tree alone, ${m.mode}`;
    return [
      ...Object.entries(m.collectorProblems).map(([name, message]) => `${bullet}${label}: ${name}: ${message}`),
      ...m.seen.collectorErrors.map((message) => `${bullet}${label} (facts run): ${message}`),
    ];
  });
}

/** The bench's figures as text tables (stdout) or Markdown (for docs/performance.md). */
export function renderReport(format: ReportFormat, report: BenchReport): string {
  const { machine, fileAccess, matrix, floors, results, buildsOnly, spans, verdicts, soak } = report;
  const collectors = [...new Set(results.flatMap((r) => Object.keys(r.median.collectorsMs)))];
  const sizes = table(
    format,
    ['size', 'wall ms', 'min wall', 'cpu ms', 'rss MB', 'scan ms', 'dockerd ms', ...collectors, 'findings', 'load'],
    [...floors, ...results].map((r) => [
      r.label,
      ms(r.median.wallMs),
      ms(r.median.minWallMs),
      ms(r.median.cpuMs),
      fixed(r.median.peakRssMb, 1),
      'size' in r ? ms(r.median.scanSpanMs) : '-',
      ms(r.median.dockerdCpuMs),
      ...collectors.map((c) => ms(r.median.collectorsMs[c])),
      'size' in r ? String(r.median.findings) : '-',
      r.loadAverage.toFixed(2),
    ]),
  );
  const seen = table(
    format,
    ['size', 'runners', 'containers', 'images', 'image tags', 'working copies', 'entries walked', 'walk limits', 'private keys', 'problems'],
    results.map((r) => [
      r.label,
      String(r.seen.runners),
      `${r.seen.containers}/${r.engine.runningContainers}`,
      `${r.seen.images}/${r.engine.images}`,
      `${r.seen.imageTags}/${r.engine.imageTags}`,
      `${r.seen.workingCopies}/${r.size.projects}`,
      `${r.seen.walkedEntries}/${r.buildEntries}`,
      r.seen.walkLimits.join(',') || '-',
      String(r.seen.privateKeys),
      String(r.seen.problems),
    ]),
  );
  const slopes = table(
    format,
    ['span', 'per', 'wall ms', 'cpu ms', 'host cpu ms', 'rss KB', 'dockerd ms', ...collectors],
    spans.map((s) => [
      `${s.from} -> ${s.to}${s.comparable ? '' : ' (!)'}`,
      s.dimension,
      fixed(s.wallMsPerUnit, 3),
      fixed(s.cpuMsPerUnit, 3),
      fixed(s.hostCpuMsPerUnit, 3),
      fixed(s.peakRssKbPerUnit, 1),
      fixed(s.dockerdCpuMsPerUnit, 3),
      ...collectors.map((c) => fixed(s.collectorMsPerUnit[c], 3)),
    ]),
  );
  const goals = table(format, ['check', 'goal', 'measured', 'met'], verdicts.map((v) => [v.name, v.goal, v.value, v.met === null ? '-' : v.met ? 'yes' : 'NO']));
  const bullet = format === 'markdown' ? '- ' : '  ';
  const problems = [
    ...results.flatMap((r) => [
      ...Object.entries(r.collectorProblems).map(([name, message]) => `${bullet}${r.label}: ${name}: ${message}`),
      ...r.seen.collectorErrors.map((message) => `${bullet}${r.label} (facts run): ${message}`),
    ]),
    ...buildsOnlyProblems(bullet, buildsOnly),
  ];
  const gap = format === 'markdown' ? [''] : [];
  return [
    `runner-warden scan bench (${matrix.name} matrix, median of ${matrix.runs} runs after a warm-up)`,
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Linux ${machine.kernel}, Node ${machine.node}`,
    `file access (auto): ${fileAccess}`,
    'N containers running, M image tags, P project working copies (F files each; 1 unless shown).',
    "wall/cpu/rss: the whole process (median); min wall: fastest run; scan ms: the scan's own startedAt..finishedAt;",
    "dockerd ms: engine CPU while the scan ran; collector columns: each collector's durationMs; load: 1-min load average.",
    '',
    sizes,
    '',
    'What the scan saw (seen/built; containers, images and tags: seen/on the engine):',
    ...gap,
    seen,
    '',
    'Marginal cost per extra unit ((!): a collector failed at one end):',
    ...gap,
    slopes,
    '',
    `Builds tree alone (issue 5): ${buildsOnly.projects} working copies, Docker off (same host; working copies and entries walked: seen/built):`,
    ...gap,
    buildsOnlyTable(format, buildsOnly),
    '',
    goals,
    ...(problems.length > 0 ? ['', 'Collector problems:', ...gap, ...problems] : []),
    ...(soak ? ['', `Agent soak (${soak.command}):`, ...gap, ...soak.summary.split('\n').map((line) => `${bullet}${line}`), `${bullet}${JSON.stringify(soak.figures)}`] : []),
    '',
  ].join('\n');
}
