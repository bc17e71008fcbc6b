// Future work of the simulation, ordered by event time and then by scheduling order, so that
// replaying a window in one step or in many small steps runs the same tasks in the same order.

export interface Task {
  ts: number;
  seq: number;
  run: () => void;
}

export class TaskQueue {
  private readonly heap: Task[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(ts: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ ts, seq: this.seq++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  peekTs(): number {
    return this.heap.length ? this.heap[0].ts : Infinity;
  }

  pop(): Task | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Task, b: Task): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
}
