// The delivery watermark: the highest position below which every event is handled (delivered, dead-lettered or
// dropped by choice). It is what the checkpoint stores, so a restart resends at most what was in flight.

export class Watermark {
  private done = new Set<number>();
  private high: number;

  constructor(start = 0) {
    this.high = start;
  }

  /** Marks a position handled and advances the watermark over every contiguous handled position. */
  handled(seq: number): void {
    if (seq <= this.high) return;
    // In-order acknowledgements, the usual case, need no set.
    if (seq === this.high + 1 && this.done.size === 0) {
      this.high = seq;
      return;
    }
    this.done.add(seq);
    while (this.done.delete(this.high + 1)) this.high++;
  }

  get position(): number {
    return this.high;
  }

  /** Handled positions above the watermark (waiting on an earlier one). */
  get ahead(): number {
    return this.done.size;
  }
}
