import { spawnSync } from 'node:child_process';
import path from 'node:path';

const MAIN = path.join(__dirname, '../../dist/agent/cli/main.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI (npm test builds it first) as a user would. */
export function runWarden(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): CliRun {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: undefined, RUNNER_WARDEN_LOG_LEVEL: undefined, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
