/**
 * npm run bench: builds a loaded runner host (a real Docker engine with N containers and M image
 * tags, a synthetic host root with 20 runners, 200 users, 50 SSH keys and P working copies) and
 * measures whole `runner-warden scan` processes on it. Not part of the test command.
 *
 * Options: --quick (small matrix), --out FILE (default bench/results/latest.json),
 *          --build DIR (tree whose dist/ is measured; default this repo), --socket PATH (default /var/run/docker.sock).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildsOnlyVerdicts, fileAccessOfBuild, isMeasured, largestBuildsTree, measureBuildsOnly, type BuildFileAccess, type BuildsOnlyResult } from './builds-only.js';
import { collectCoverage } from './coverage.js';
import { BenchEngine, newRunId } from './engine.js';
import { buildLoadedHost, KEY_COUNT, type LoadedHost } from './host.js';
import { describeMachine, loadAverage } from './machine.js';
import { FULL_MATRIX, QUICK_MATRIX, sizeLabel, type Matrix, type Size } from './matrix.js';
import { collectorProblems, ensureTimeBinary, measureScan, measureStartup, type ScanSample } from './measure.js';
import { renderReport } from './report.js';
import { spanResult, verdicts, type BenchReport, type FloorResult, type SizeResult } from './results.js';
import { snapshotBuild } from './snapshot.js';
import { runSoak } from './soak.js';
import { benchKeys, type BenchKey } from './ssh-keys.js';
import { medianOf } from './stats.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Options {
  matrix: Matrix;
  out: string;
  /** Built tree to measure (holds dist/); a snapshot of it is what runs. */
  build: string;
  socket: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, out: { type: 'string' }, build: { type: 'string' }, socket: { type: 'string' } },
    strict: true,
  });
  return {
    matrix: values.quick ? QUICK_MATRIX : FULL_MATRIX,
    out: path.resolve(values.out ?? path.join(REPO_ROOT, 'bench/results/latest.json')),
    build: path.resolve(values.build ?? REPO_ROOT),
    socket: values.socket ?? '/var/run/docker.sock',
  };
}

/** runner-warden's own config for the bench scans: the real engine, and no metadata probe ever. */
function wardenConfig(root: string, socket: string): string {
  return `[scan]\nroot = ${JSON.stringify(root)}\n\n[docker]\nsocket = ${JSON.stringify(socket)}\n\n[network]\nmetadata_probes = "never"\n`;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

class Hosts {
  private readonly built = new Map<string, LoadedHost & { configFile: string }>();
  private readonly keys: BenchKey[];

  constructor(
    private readonly dir: string,
    private readonly socket: string,
  ) {
    this.keys = benchKeys(KEY_COUNT, path.join(dir, 'keys'));
  }

  get(size: Size): LoadedHost & { configFile: string } {
    const key = `p${size.projects}-f${size.filesPerCopy}`;
    const existing = this.built.get(key);
    if (existing) return existing;
    const started = performance.now();
    const host = buildLoadedHost(path.join(this.dir, key, 'root'), { projects: size.projects, filesPerCopy: size.filesPerCopy }, this.keys);
    const configFile = path.join(this.dir, key, 'runner-warden.toml');
    fs.writeFileSync(configFile, wardenConfig(host.root, this.socket));
    // Flush the new files to disk now, so their writeback does not run during the measured scans.
    execFileSync('sync');
    log(`host ${key}: ${host.buildEntries} entries under the builds dir, built in ${Math.round(performance.now() - started)} ms`);
    const entry = { ...host, configFile };
    this.built.set(key, entry);
    return entry;
  }
}

/** What one bench run works with: a snapshot of the build, the engine, the hosts. */
interface Bench {
  matrix: Matrix;
  /** main.js of the snapshot. */
  cli: string;
  engine: BenchEngine;
  hosts: Hosts;
}

async function measureSize(size: Size, bench: Bench): Promise<SizeResult> {
  const label = sizeLabel(size);
  const prepared = performance.now();
  await bench.engine.setContainers(size.containers);
  await bench.engine.growImages(size.images);
  const host = bench.hosts.get(size);
  const counts = await bench.engine.counts();
  log(`${label}: engine has ${counts.runningContainers} running containers (${counts.benchContainers} the bench's), ${counts.imageTags} tags (${counts.benchTags} the bench's); ready in ${Math.round(performance.now() - prepared)} ms`);
  const command = { cli: bench.cli, root: host.root, configFile: host.configFile };
  const seen = await collectCoverage(command); // also the warm-up: page cache, engine caches
  const load = loadAverage();
  const samples: ScanSample[] = [];
  for (let run = 0; run < bench.matrix.runs; run += 1) samples.push(await measureScan(command));
  const result: SizeResult = { label, size, engine: counts, buildEntries: host.buildEntries, seen, loadAverage: load, median: medianOf(samples), collectorProblems: collectorProblems(samples), samples };
  log(`${label}: wall ${Math.round(result.median.wallMs)} ms, cpu ${Math.round(result.median.cpuMs)} ms, rss ${result.median.peakRssMb.toFixed(1)} MB`);
  return result;
}

/** What loading alone costs: Node itself, then Node with everything the CLI imports. */
async function measureFloors(bench: Bench): Promise<FloorResult[]> {
  const floors: FloorResult[] = [];
  for (const [label, cli] of [['node -e 0', null], ['main.js --version', bench.cli]] as const) {
    await measureStartup(cli);
    const load = loadAverage();
    const samples: ScanSample[] = [];
    for (let run = 0; run < bench.matrix.runs; run += 1) samples.push(await measureStartup(cli));
    floors.push({ label, loadAverage: load, median: medianOf(samples), samples });
  }
  return floors;
}

/** The matrix's largest builds tree again, Docker off, per file access mode: reuses that size's host. */
async function measureLargestBuildsTree(bench: Bench, access: BuildFileAccess): Promise<BuildsOnlyResult> {
  const host = bench.hosts.get(largestBuildsTree(bench.matrix.sizes));
  log(`builds tree alone: P${host.projects}, Docker off, file access native and portable`);
  const result = await measureBuildsOnly({ cli: bench.cli, host, configDir: path.dirname(host.configFile), runs: bench.matrix.runs }, access);
  for (const mode of result.modes) {
    log(`builds tree alone, ${mode.mode}: ${isMeasured(mode) ? `scan ${Math.round(mode.median.scanSpanMs)} ms, wall ${Math.round(mode.median.wallMs)} ms` : `not measured (${mode.unavailable})`}`);
  }
  return result;
}

async function main(): Promise<void> {
  const opts = options();
  ensureTimeBinary();
  if (!fs.existsSync(path.join(opts.build, 'dist/agent/cli/main.js'))) throw new Error(`${opts.build}/dist/agent/cli/main.js is missing: run npm run build first`);
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-bench-'));
  const app = snapshotBuild(opts.build, workDir);
  const engine = await BenchEngine.open(opts.socket, REPO_ROOT, newRunId());
  const cleanup = async (): Promise<void> => {
    fs.rmSync(workDir, { recursive: true, force: true });
    // A failed cleanup must not hide the run's own error; a later run removes what a dead run left.
    await engine.cleanup().catch((error: unknown) => log(`could not remove this run's containers and tags: ${String(error)}`));
  };
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: removing this run's containers, tags and host roots`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const bench: Bench = { matrix: opts.matrix, cli: path.join(app, 'dist/agent/cli/main.js'), engine, hosts: new Hosts(workDir, opts.socket) };
    const access = fileAccessOfBuild(bench.cli);
    const floors = await measureFloors(bench);
    const results: SizeResult[] = [];
    for (const size of opts.matrix.sizes) results.push(await measureSize(size, bench));
    // Before the engine cleanup: removing hundreds of containers and images keeps dockerd busy for a
    // while after the call returns, and these scans (Docker off) would pay for it. Idle containers cost nothing.
    const buildsOnly = await measureLargestBuildsTree(bench, access);
    // The soak builds its own host and needs no engine load: free the machine first.
    await engine.cleanup();
    log(`agent soak (${opts.matrix.soakScans} scans), when the build has scripts/agent-soak.ts`);
    const soak = await runSoak(app, opts.matrix.soakScans);
    const spans = opts.matrix.spans.map((span) => spanResult(results, span));
    const checks = [...verdicts(opts.matrix, results, spans), ...buildsOnlyVerdicts(buildsOnly)];
    const report: BenchReport = { machine: describeMachine(), fileAccess: access.auto, matrix: opts.matrix, floors, results, buildsOnly, spans, verdicts: checks, soak };
    process.stdout.write(renderReport('text', report));
    const durationSeconds = Math.round((Date.now() - started) / 1000);
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, `${JSON.stringify({ date: new Date().toISOString(), durationSeconds, ...report }, null, 2)}\n`);
    // The same tables in Markdown, for docs/performance.md.
    fs.writeFileSync(`${opts.out.replace(/\.json$/, '')}.md`, renderReport('markdown', report));
    log(`done in ${durationSeconds} s; figures in ${opts.out}`);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  // The engine is shared with the docker tests, which may stop it.
  if (code === 'ECONNREFUSED' || code === 'ENOENT') log('the Docker engine stopped answering during the run (restarted by someone else?): run the bench again');
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
