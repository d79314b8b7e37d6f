import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const DIST_COMMAND = path.join(REPO, 'dist/agent/daemon/command.js');

function newestSource(): number {
  const dirs = ['agent/daemon', 'agent/config', 'agent/core', 'agent/lib'];
  let newest = 0;
  for (const dir of dirs) {
    for (const name of fs.readdirSync(path.join(REPO, dir), { recursive: true }) as string[]) {
      if (name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(path.join(REPO, dir, name)).mtimeMs);
    }
  }
  return newest;
}

function isFresh(): boolean {
  return fs.existsSync(DIST_COMMAND) && fs.statSync(DIST_COMMAND).mtimeMs >= newestSource();
}

/**
 * The agent and its scan child run as compiled JavaScript (the child is a real process).
 * Builds dist/ once when it is older than the sources; test files share a lock.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  const lock = path.join(REPO, 'dist/.agent-test-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (let waited = 0; waited < 180_000; waited += 250) {
    try {
      fs.mkdirSync(lock);
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      if (isFresh()) return;
      continue;
    }
    try {
      if (!isFresh()) {
        try {
          execFileSync(path.join(REPO, 'node_modules/.bin/tsc'), ['-p', path.join(REPO, 'tsconfig.json')], { cwd: REPO, stdio: 'ignore' });
        } catch {
          // Type errors elsewhere in the tree still emit JavaScript; freshness is checked below.
        }
        // tsc keeps the mtime of unchanged output: touch so the freshness check holds.
        const now = new Date();
        fs.utimesSync(DIST_COMMAND, now, now);
      }
      return;
    } finally {
      fs.rmdirSync(lock);
    }
  }
  throw new Error('timed out waiting for another test file to build dist/');
}
