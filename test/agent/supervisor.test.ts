import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { runScanChild, scanChildEntry } from '../../agent/daemon/supervisor.js';
import { SyntheticHost } from '../helpers/host.js';
import { ensureBuilt } from './helpers/build.js';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);
let dir: string;
let host: SyntheticHost;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-sup-'));
  host = new SyntheticHost().withIdentity('runner-sup');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  host.cleanup();
});

function config() {
  return configSchema.parse({ scan: { root: host.root }, network: { metadata_probes: 'never' }, docker: { enabled: false } });
}

describe('scan child supervision', () => {
  it('runs a real scan in a child and hands back its result', async () => {
    // The default poll: a scan this small ends within a second, and its peak must still be seen.
    const outcome = await runScanChild({ entry: scanChildEntry(), config: config(), outFile: path.join(dir, 'r.json'), timeoutMs: 60_000, memoryMaxMb: 512, heapMaxMb: 160 });
    expect(outcome.kind).toBe('ok');
    expect(outcome.peakRssMb).toBeGreaterThan(30);
    if (outcome.kind === 'ok') expect(outcome.result.host.hostname).toBe('runner-sup');
    expect(fs.existsSync(path.join(dir, 'r.json'))).toBe(false);
  });

  it('kills a child whose Buffers pass the memory ceiling (V8 limits do not see them)', async () => {
    const outcome = await runScanChild({ entry: fixture('hog-child.mjs'), config: config(), outFile: path.join(dir, 'h.json'), timeoutMs: 30_000, memoryMaxMb: 200, heapMaxMb: 64, pollMs: 100 });
    expect(outcome).toMatchObject({ kind: 'killed', reason: 'memory' });
    expect(outcome.peakRssMb).toBeGreaterThan(200);
    expect(outcome.peakRssMb).toBeLessThan(700);
  });

  it('kills a child that passes the deadline', async () => {
    const started = Date.now();
    const outcome = await runScanChild({ entry: fixture('hang-child.mjs'), config: config(), outFile: path.join(dir, 'd.json'), timeoutMs: 800, memoryMaxMb: 512, heapMaxMb: 64, pollMs: 100 });
    expect(outcome).toMatchObject({ kind: 'killed', reason: 'deadline' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('kills the child when the agent stops', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const outcome = await runScanChild({ entry: fixture('hang-child.mjs'), config: config(), outFile: path.join(dir, 's.json'), timeoutMs: 60_000, memoryMaxMb: 512, heapMaxMb: 64, signal: controller.signal });
    expect(outcome).toMatchObject({ kind: 'killed', reason: 'stopped' });
  });

  it('reports a crash with its last stderr line, secrets redacted', async () => {
    const outcome = await runScanChild({ entry: fixture('crash-child.mjs'), config: config(), outFile: path.join(dir, 'c.json'), timeoutMs: 30_000, memoryMaxMb: 512, heapMaxMb: 64 });
    expect(outcome).toMatchObject({ kind: 'crashed', exitCode: 3 });
    if (outcome.kind === 'crashed') {
      expect(outcome.detail).toContain('parse failed');
      expect(outcome.detail).not.toContain('CRASHCANARY');
    }
  });
});
