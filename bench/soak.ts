import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SoakResult {
  command: string;
  /** The script's progress lines (agent RSS after 1, 10 and 100 scans). */
  summary: string;
  /** Its closing JSON line. */
  figures: Record<string, number>;
}

/**
 * Runs the agent's soak script (scripts/agent-soak.ts: scan cycles in one agent process, RSS after
 * 1, 10 and 100 scans) when the build has it. It builds its own small host and ships to a loopback receiver.
 */
export async function runSoak(buildRoot: string, scans: number): Promise<SoakResult | null> {
  const script = path.join(buildRoot, 'dist/scripts/agent-soak.js');
  if (!fs.existsSync(script)) return null;
  const args = ['--expose-gc', script, '--scans', String(scans)];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1024 * 1024, timeout: 15 * 60_000 });
  const lines = stdout.trim().split('\n');
  const figures = JSON.parse(lines.pop() ?? '{}') as Record<string, number>;
  return { command: `node ${args.map((a) => (a === script ? 'dist/scripts/agent-soak.js' : a)).join(' ')}`, summary: lines.join('\n'), figures };
}
