import { describe, expect, it } from 'vitest';
import { TopN } from '../../agent/lib/top-n.js';

/** A small deterministic generator, so a failure replays. */
function numbers(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % 1000;
  });
}

describe('TopN', () => {
  it.each([
    [0, 50],
    [1, 50],
    [5, 3],
    [5, 5],
    [10, 1_000],
    [200, 20_000],
  ])('keeps the first %i of %i items exactly as a full sort would', (size, count) => {
    const items = numbers(count, size + count).map((value, index) => ({ value, index }));
    // A total order: value descending, then arrival.
    const order = (a: { value: number; index: number }, b: { value: number; index: number }) => b.value - a.value || a.index - b.index;
    const top = new TopN(size, order);
    for (const item of items) top.offer(item);
    expect(top.items()).toEqual([...items].sort(order).slice(0, size));
  });
});
