// A listing in a stable order that can be paged without copying or sorting everything: entries
// carry an increasing sequence number, live in an array sorted by it, and a page is one slice.
// Removal is a binary search plus splice (a memmove), which keeps GET cost proportional to the
// page however many clients are connected.

export interface Sequenced {
  readonly seq: number;
}

let nextSeq = 1;
/** Sequence numbers are global so entries made in one tick still order by creation. */
export function newSeq(): number {
  return nextSeq++;
}

export class OrderedIndex<T extends Sequenced> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || last.seq < item.seq) {
      this.items.push(item);
      return;
    }
    // Only reached if an entry is re-added with an old sequence number.
    const at = this.lowerBound(item.seq);
    if (this.items[at]?.seq === item.seq) this.items[at] = item;
    else this.items.splice(at, 0, item);
  }

  remove(item: T): boolean {
    const at = this.lowerBound(item.seq);
    if (this.items[at]?.seq !== item.seq) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** A copy of at most `count` entries starting at `offset`; never touches entries outside it. */
  slice(offset: number, count: number): T[] {
    if (count <= 0 || offset >= this.items.length) return [];
    const start = Math.max(0, offset);
    const end = Math.min(this.items.length, start + count);
    return this.items.slice(start, end);
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
