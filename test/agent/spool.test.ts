import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool, type SpoolEvent } from '../../agent/daemon/spool.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-spool-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function event(id: string, pad = 0): SpoolEvent {
  return { id, json: JSON.stringify({ event_id: id, event: 'finding.opened', pad: 'x'.repeat(pad) }) };
}
const noLoss = (): SpoolEvent => {
  throw new Error('no loss expected');
};

describe('spool', () => {
  it('keeps events until they are acknowledged, across reopening', () => {
    const dir = tempDir();
    const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append([event('a'), event('b'), event('c')], noLoss);
    expect(spool.peek(10, 1 << 20).map((e) => e.id)).toEqual(['a', 'b', 'c']);
    spool.ack(['b']);
    spool.close();
    const reopened = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    expect(reopened.peek(10, 1 << 20).map((e) => e.id)).toEqual(['a', 'c']);
    expect(JSON.parse(reopened.peek(1, 1 << 20)[0]?.json ?? '{}')).toMatchObject({ event_id: 'a' });
    reopened.ack(['a', 'c', 'unknown']);
    expect(reopened.depth).toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('does not spool an id twice while it is owed', () => {
    const spool = Spool.open({ dir: tempDir(), maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append([event('a'), event('a')], noLoss);
    spool.append([event('a')], noLoss);
    expect(spool.depth).toBe(1);
  });

  it('peeks within the count and byte limits, always at least one event', () => {
    const spool = Spool.open({ dir: tempDir(), maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append(['a', 'b', 'c', 'd'].map((id) => event(id, 1000)), noLoss);
    expect(spool.peek(2, 1 << 20)).toHaveLength(2);
    expect(spool.peek(10, 2500)).toHaveLength(2);
    expect(spool.peek(10, 10)).toHaveLength(1);
  });

  it('cuts a torn tail, counts it and keeps every complete record', () => {
    const dir = tempDir();
    const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append([event('a'), event('b')], noLoss);
    spool.close();
    const [segment] = fs.readdirSync(dir);
    const file = path.join(dir, segment ?? '');
    const whole = fs.readFileSync(file);
    fs.appendFileSync(file, whole.subarray(0, 20)); // half a record, as a crash mid-write leaves it
    const reopened = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    expect(reopened.recovery.tornTailBytes).toBe(20);
    expect(reopened.peek(10, 1 << 20).map((e) => e.id)).toEqual(['a', 'b']);
    expect(fs.statSync(file).size).toBe(whole.length);
  });

  it('never delivers a record whose CRC does not match, and counts it', () => {
    const dir = tempDir();
    const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append([event('a'), event('b'), event('c')], noLoss);
    spool.close();
    const [segment] = fs.readdirSync(dir);
    const file = path.join(dir, segment ?? '');
    const data = fs.readFileSync(file);
    const second = data.indexOf('"b"');
    data[second + 1] = 'X'.charCodeAt(0); // flip a payload byte of record b
    fs.writeFileSync(file, data);
    const reopened = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    expect(reopened.peek(10, 1 << 20).map((e) => e.id)).toEqual(['a', 'c']);
    expect(reopened.recovery.corruptRecords).toBe(1);
  });

  it('when full, drops the oldest events and writes a loss event that counts them', () => {
    const dir = tempDir();
    const maxBytes = 64 * 1024;
    const spool = Spool.open({ dir, maxBytes, segmentBytes: 16 * 1024 });
    const losses: number[] = [];
    for (let i = 0; i < 200; i++) {
      spool.append([event(`e${i}`, 900)], (lost) => {
        losses.push(lost);
        return { id: `loss-${i}`, json: JSON.stringify({ event_id: `loss-${i}`, event: 'spool.loss', lost }) };
      });
      const onDisk = fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
      expect(onDisk).toBeLessThanOrEqual(maxBytes);
    }
    const owed = spool.peek(1000, 1 << 30).map((e) => e.id);
    const totalLost = losses.reduce((a, b) => a + b, 0);
    const lossEvents = owed.filter((id) => id.startsWith('loss-')).length;
    // Every event is either still owed or counted as lost (loss events themselves can be dropped too).
    const lossEventsDropped = losses.length - lossEvents;
    expect(owed.length - lossEvents + totalLost - lossEventsDropped).toBe(200);
    expect(owed.at(-1)).toBe('e199');
    expect(owed).not.toContain('e0');
    expect(losses.length).toBeGreaterThan(0);
  });

  it('survives a lost spool directory content by starting empty', () => {
    const dir = tempDir();
    const spool = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 });
    spool.append([event('a')], noLoss);
    spool.close();
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name));
    expect(Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64 << 10 }).depth).toBe(0);
  });
});

describe('spool segments', () => {
  it('spreads one big batch over segments, so a full spool drops only the oldest part', () => {
    const dir = tempDir();
    const seeded = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 16 * 1024 });
    seeded.append(Array.from({ length: 150 }, (_, i) => event(`old-${i}`, 600)), noLoss);
    seeded.close();
    const sizes = fs.readdirSync(dir).map((name) => fs.statSync(path.join(dir, name)).size);
    expect(sizes.length).toBeGreaterThan(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16 * 1024);
    const spool = Spool.open({ dir, maxBytes: 64 * 1024, segmentBytes: 16 * 1024 });
    let counted = 0;
    spool.append([event('new')], (lost) => {
      counted = lost;
      return event('loss');
    });
    const owed = spool.peek(1000, 1 << 30).map((e) => e.id);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThan(150);
    expect(owed.filter((id) => id.startsWith('old-'))).toEqual(Array.from({ length: 150 - counted }, (_, i) => `old-${i + counted}`));
    expect(owed.slice(-2)).toEqual(['loss', 'new']);
  });
});
