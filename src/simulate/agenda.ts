// A min-heap of timed actions: what happens next in a store-day or DC-day, in time order (ties in insertion order).

export interface Action {
  at: number;
  run: () => void;
}

export class Agenda {
  private readonly heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;

  push(at: number, run: () => void): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(i, parent)) {
        const t = h[i];
        h[i] = h[parent];
        h[parent] = t;
        i = parent;
      } else break;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  /** Runs every action due before `until`, including ones that actions add. */
  runUntil(until: number): void {
    const h = this.heap;
    while (h.length > 0 && h[0].at < until) {
      const top = h[0];
      const last = h.pop()!;
      if (h.length > 0) {
        h[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < h.length && this.less(l, m)) m = l;
          if (r < h.length && this.less(r, m)) m = r;
          if (m === i) break;
          // A temporary rather than a destructuring swap, which may allocate an array per step.
          const t = h[i];
          h[i] = h[m];
          h[m] = t;
          i = m;
        }
      }
      top.run();
    }
  }
}
