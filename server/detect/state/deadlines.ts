// Deadlines in event time (a min-heap): detections by absence register when they are due and
// pop them as the watermark passes. Cancelled deadlines are skipped lazily by the caller,
// which checks its own state when one pops.
export class Deadlines<K> {
  private readonly heap: { at: number; key: K }[] = [];

  get size(): number {
    return this.heap.length;
  }

  add(at: number, key: K): void {
    const heap = this.heap;
    heap.push({ at, key });
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p].at <= heap[i].at) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  }

  /** Removes and returns every key due at or before `now`, earliest first. */
  popDue(now: number): { at: number; key: K }[] {
    const due: { at: number; key: K }[] = [];
    while (this.heap.length && this.heap[0].at <= now) due.push(this.pop());
    return due;
  }

  private pop(): { at: number; key: K } {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l].at < heap[m].at) m = l;
        if (r < heap.length && heap[r].at < heap[m].at) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}
