/**
 * The first `size` items of a stream in `compare` order, without keeping the rest: a walk over
 * tens of thousands of working copies lists a few hundred, and holding all of them until a final
 * sort costs memory and garbage-collection time. `compare` must be a total order.
 */
export class TopN<T> {
  private readonly kept: T[] = [];

  constructor(
    private readonly size: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  offer(item: T): void {
    const kept = this.kept;
    const last = kept[kept.length - 1];
    if (kept.length >= this.size && (this.size === 0 || (last !== undefined && this.compare(item, last) >= 0))) return;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.compare(kept[middle] as T, item) <= 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, item);
    if (kept.length > this.size) kept.pop();
  }

  /** The kept items, first first. */
  items(): readonly T[] {
    return this.kept;
  }
}
