import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Every suite's temp dirs (synthetic hosts, sockets, spools) go under one directory per test
 * run, removed at the end: a machine that runs the suites daily keeps no litter.
 */
export default function setup(): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-tests-'));
  process.env.TMPDIR = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
