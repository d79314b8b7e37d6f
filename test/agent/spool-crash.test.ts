import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/daemon/spool.js';
import { ensureBuilt } from './helpers/build.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-spool-kill-'));
}, 240_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until a random moment, SIGKILLs it, returns what it reported durable. */
async function killedWriter(iteration: number, delayMs: number): Promise<{ committed: string[]; acked: string[]; uncertain: string[] }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'fixtures/spool-writer.mjs'), dir, `i${iteration}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  // Wait until it writes, then kill at a random point.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('close', resolve));
  const lines = out.split('\n');
  // A line cut by the kill is not a report of durability: only complete lines count.
  const complete = lines.slice(0, -1).filter((line) => line.length > 2);
  const ids = (kind: string): string[] => complete.filter((line) => line.startsWith(`${kind} `)).flatMap((line) => line.slice(2).split(' '));
  // The batch reported last may have been acknowledged durably just before the kill, unreported.
  const last = complete.at(-1) ?? '';
  const uncertain = last.startsWith('c ') ? last.slice(2).split(' ') : [];
  return { committed: ids('c'), acked: ids('a'), uncertain };
}

describe('spool under SIGKILL', () => {
  it('keeps every committed event and forgets every acknowledged one, across 20 kills at random points', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const owed = new Set<string>();
    const gone = new Set<string>();
    let committedTotal = 0;
    for (let iteration = 0; iteration < 20; iteration++) {
      const { committed, acked, uncertain } = await killedWriter(iteration, Math.floor(random() * 300));
      committedTotal += committed.length;
      for (const id of committed) if (!uncertain.includes(id)) owed.add(id);
      for (const id of acked) {
        owed.delete(id);
        gone.add(id);
      }
      const spool = Spool.open({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 16 * 1024 });
      const present = spool.peek(1_000_000, 1 << 30);
      for (const event of present) expect((JSON.parse(event.json) as { event_id: string }).event_id).toBe(event.id); // never a damaged record
      const ids = new Set(present.map((event) => event.id));
      expect([...owed].filter((id) => !ids.has(id))).toEqual([]);
      expect([...gone].filter((id) => ids.has(id))).toEqual([]);
      // Deliver everything now, as a receiver would, so the next round starts from acknowledged state too.
      spool.ack([...ids]);
      for (const id of ids) {
        owed.delete(id);
        gone.add(id);
      }
      spool.close();
    }
    expect(committedTotal).toBeGreaterThan(100);
  }, 180_000);
});
