import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runnerBinary, trustedToExecute } from '../../collectors/runner/version.js';
import type { SearchedLocation } from '../../collectors/runner/types.js';
import { IS_ROOT } from './harness.js';

let dir: string | undefined;
afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in gitlab-runner that prints what `--version` prints. */
function fakeBinary(script: string, mode = 0o755): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-bin-'));
  fs.chmodSync(dir, 0o755);
  const binary = path.join(dir, 'gitlab-runner');
  fs.writeFileSync(binary, `#!/bin/sh\n${script}\n`);
  fs.chmodSync(binary, mode);
  return binary;
}

describe.runIf(IS_ROOT)('runner binary version (live root only)', () => {
  it('runs a root-owned binary with --version and reads Version and Git revision', async () => {
    const binary = fakeBinary('printf "Version:      17.3.1\\nGit revision: 66269445\\nGit branch:   17-3-stable\\n"');
    const searched: SearchedLocation[] = [];
    const result = await runnerBinary('/', binary, [], searched, new AbortController().signal);
    expect(result).toEqual({ path: binary, status: 'ok', version: '17.3.1', revision: '66269445', message: null });
    expect(searched[0]).toMatchObject({ path: binary, purpose: 'binary', outcome: 'found' });
  });

  it('does not execute a binary others can write', async () => {
    const binary = fakeBinary('touch /tmp/rw-should-not-exist', 0o777);
    expect(trustedToExecute('/', binary)).toBe(false);
    const result = await runnerBinary('/', binary, [], [], new AbortController().signal);
    expect(result).toMatchObject({ status: 'error', version: null, message: expect.stringContaining('not executed') });
    expect(fs.existsSync('/tmp/rw-should-not-exist')).toBe(false);
  });

  it('gives up on a binary that hangs, within its timeout', async () => {
    const binary = fakeBinary('exec sleep 30');
    const started = performance.now();
    const result = await runnerBinary('/', binary, [], [], new AbortController().signal);
    expect(result).toMatchObject({ status: 'error', version: null });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('bounds the output it reads', async () => {
    const binary = fakeBinary('head -c 1000000 /dev/zero | tr "\\\\0" x');
    const result = await runnerBinary('/', binary, [], [], new AbortController().signal);
    expect(result).toMatchObject({ status: 'error', version: null });
  });
});
