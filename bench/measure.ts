import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanResult } from '../agent/core/result.js';
import { dockerdCpuMs } from './engine.js';

/** GNU time reports on the process it waits for: elapsed, user, sys and peak RSS (KiB) of the whole scan. */
export const TIME_BINARY = '/usr/bin/time';
const TIME_FORMAT = '%e %U %S %M';

export interface CollectorSample {
  ms: number;
  status: string;
  message?: string;
}

/** One whole `runner-warden scan` process. */
export interface ScanSample {
  wallMs: number;
  userMs: number;
  sysMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** startedAt..finishedAt of the scan itself; wall minus this is start-up, judging and output. */
  scanSpanMs: number;
  collectors: Record<string, CollectorSample>;
  findings: number;
  exitCode: number;
  /** CPU the engine spent while the scan ran (answering its API calls), when dockerd is visible. */
  dockerdCpuMs: number | null;
}

type ScanJson = Pick<ScanResult, 'startedAt' | 'finishedAt' | 'collectors' | 'findings'>;

export interface ScanCommand {
  cli: string;
  root: string;
  configFile: string;
}

export function ensureTimeBinary(): void {
  if (!fs.existsSync(TIME_BINARY)) throw new Error(`${TIME_BINARY} is missing: the bench measures each scan process with GNU time (apt-get install time)`);
}

function parseTimeFile(text: string): { userMs: number; sysMs: number; peakRssMb: number } {
  // GNU time puts "Command exited with non-zero status N" first when the scan exits non-zero.
  const last = text.trim().split('\n').pop() ?? '';
  const [, user, sys, rssKib] = last.split(' ').map(Number);
  if ([user, sys, rssKib].some((n) => n === undefined || !Number.isFinite(n))) throw new Error(`cannot read GNU time output: ${JSON.stringify(text)}`);
  return { userMs: (user as number) * 1000, sysMs: (sys as number) * 1000, peakRssMb: (rssKib as number) / 1024 };
}

function parseScanJson(text: string, stderr: string, exitCode: number): ScanJson {
  try {
    return JSON.parse(text) as ScanJson;
  } catch {
    throw new Error(`scan exited ${exitCode} without a JSON report; stderr: ${stderr.slice(0, 2000)}`);
  }
}

interface ProcessSample {
  wallMs: number;
  userMs: number;
  sysMs: number;
  peakRssMb: number;
  exitCode: number;
  stdout: string;
  stderr: string;
  dockerdCpuMs: number | null;
}

/** Runs `node ARGS...` under GNU time, to completion, with the engine's CPU read around it. */
async function measureNode(args: readonly string[]): Promise<ProcessSample> {
  const timeFile = path.join(os.tmpdir(), `rw-bench-time-${process.pid}`);
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  const engineBefore = dockerdCpuMs();
  const started = performance.now();
  const child = spawn(TIME_BINARY, ['-f', TIME_FORMAT, '-o', timeFile, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  const wallMs = performance.now() - started;
  const engineAfter = dockerdCpuMs();
  const usage = parseTimeFile(fs.readFileSync(timeFile, 'utf8'));
  fs.rmSync(timeFile, { force: true });
  return {
    wallMs,
    ...usage,
    exitCode,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    dockerdCpuMs: engineBefore !== null && engineAfter !== null ? engineAfter - engineBefore : null,
  };
}

/** A process that only loads: `node -e 0` (Node itself) or `main.js --version` (Node plus every module the CLI imports). */
export async function measureStartup(cli: string | null): Promise<ScanSample> {
  const sample = await measureNode(cli ? [cli, '--version'] : ['-e', '0']);
  if (sample.exitCode !== 0) throw new Error(`${cli ?? 'node -e 0'} exited ${sample.exitCode}: ${sample.stderr.slice(0, 2000)}`);
  const { wallMs, userMs, sysMs, peakRssMb, exitCode, dockerdCpuMs } = sample;
  return { wallMs, userMs, sysMs, cpuMs: userMs + sysMs, peakRssMb, scanSpanMs: 0, collectors: {}, findings: 0, exitCode, dockerdCpuMs };
}

/** Runs one scan to completion and measures it. */
export async function measureScan(command: ScanCommand): Promise<ScanSample> {
  const reportFile = path.join(os.tmpdir(), `rw-bench-report-${process.pid}.json`);
  const args = [command.cli, 'scan', '--root', command.root, '--config', command.configFile];
  // --metadata-probes never on top of the config: the bench must never reach a metadata endpoint.
  // --output: the report goes to a file, so a slow reader of a pipe cannot cut it short.
  args.push('--format', 'json', '--fail-on', 'none', '--metadata-probes', 'never', '--output', reportFile);
  fs.rmSync(reportFile, { force: true });
  const sample = await measureNode(args);
  const report = parseScanJson(fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '', sample.stderr, sample.exitCode);
  fs.rmSync(reportFile, { force: true });
  const collectors: Record<string, CollectorSample> = {};
  for (const c of report.collectors) collectors[c.name] = { ms: c.durationMs, status: c.status, ...(c.message ? { message: c.message } : {}) };
  return {
    wallMs: sample.wallMs,
    userMs: sample.userMs,
    sysMs: sample.sysMs,
    peakRssMb: sample.peakRssMb,
    cpuMs: sample.userMs + sample.sysMs,
    scanSpanMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
    collectors,
    findings: report.findings.length,
    exitCode: sample.exitCode,
    dockerdCpuMs: sample.dockerdCpuMs,
  };
}

/** Collector statuses that were not ok in any of the runs (name: status and message). */
export function collectorProblems(samples: readonly ScanSample[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const sample of samples) {
    for (const [name, c] of Object.entries(sample.collectors)) if (c.status !== 'ok') found[name] = `${c.status}: ${c.message ?? ''}`;
  }
  return found;
}
