import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SoakResult {
  command: string;
  summary: string;
  /** The script's JSON output when it printed JSON. */
  figures: unknown;
}

/** Runs the agent helper's soak script (RSS after 1, 10, 100 scans) on the target host, when it exists. */
export async function runSoak(repoRoot: string, host: { root: string; configFile: string }): Promise<SoakResult | null> {
  const script = path.join(repoRoot, 'dist/scripts/agent-soak.js');
  if (!fs.existsSync(script)) return null;
  const args = [script, '--root', host.root, '--config', host.configFile];
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  const { stdout } = await run(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 });
  let figures: unknown = null;
  try {
    figures = JSON.parse(stdout);
  } catch {
    figures = null;
  }
  return { command: `node ${path.relative(repoRoot, script)} ${args.slice(1).join(' ')}`, summary: stdout.trim(), figures };
}
