import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Facts } from '../agent/core/facts.js';
import type { ScanCommand } from './measure.js';

const run = promisify(execFile);

/** What the scan actually saw on the loaded host: proof that the figures are of a scan that did the work. */
export interface Coverage {
  runners: number;
  containers: number;
  images: number;
  imageTags: number;
  workingCopies: number;
  /** Directory entries the build-dir walks looked at. */
  walkedEntries: number;
  /** Walk limits hit (a cut walk would make a large tree look cheap). */
  walkLimits: string[];
  privateKeys: number;
  /** Problems the collectors recorded in their facts (runner errors, docker problems, system errors). */
  problems: number;
  collectorErrors: string[];
}

export function coverageOf(facts: Facts): Coverage {
  const { runner, docker, system } = facts.domains;
  const dockerFacts = docker && 'containers' in docker ? docker : null;
  const buildDirs = system?.buildDirs ?? [];
  return {
    runners: runner?.configs.reduce((sum, config) => sum + config.runners.length, 0) ?? 0,
    containers: dockerFacts?.containers.length ?? 0,
    images: dockerFacts?.images.length ?? 0,
    imageTags: dockerFacts?.images.reduce((sum, image) => sum + image.tags.length, 0) ?? 0,
    workingCopies: buildDirs.reduce((sum, dir) => sum + dir.workingCopyCount, 0),
    walkedEntries: buildDirs.reduce((sum, dir) => sum + dir.walk.entries, 0),
    walkLimits: [...new Set(buildDirs.flatMap((dir) => dir.walk.limits))],
    privateKeys: system?.ssh.privateKeys.length ?? 0,
    problems: (runner?.errors.length ?? 0) + (dockerFacts?.problems.length ?? 0) + (system?.errors.length ?? 0),
    collectorErrors: facts.collectors.filter((c) => c.status !== 'ok').map((c) => `${c.name}: ${c.message ?? c.status}`),
  };
}

/** Runs `runner-warden facts` once on the host (this doubles as the warm-up run) and reads what it saw. */
export async function collectCoverage(command: ScanCommand): Promise<Coverage> {
  const file = path.join(os.tmpdir(), `rw-bench-facts-${process.pid}.json`);
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  const args = [command.cli, 'facts', '--root', command.root, '--config', command.configFile, '--metadata-probes', 'never', '--output', file];
  // facts exits 2 when a collector failed: the coverage says which, so that is not an error here.
  await run(process.execPath, args, { env, timeout: 10 * 60_000 }).catch((error: { code?: unknown }) => {
    if (error.code !== 2) throw error;
  });
  const facts = JSON.parse(fs.readFileSync(file, 'utf8')) as Facts;
  fs.rmSync(file, { force: true });
  return coverageOf(facts);
}
