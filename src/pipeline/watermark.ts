// The delivery watermark: the highest position below which every event is handled (delivered, dead-lettered or
// dropped by choice). It is what the checkpoint stores, so a restart resends at most what was in flight.

import type { StreamPosition } from '../sinks/types.js';

export class Watermark {
  private done = new Set<number>();
  private high: number;

  /** `ahead`: positions above `start` already handled (an exactly-once checkpoint keeps them). */
  constructor(start = 0, ahead: readonly number[] = []) {
    this.high = start;
    for (const seq of ahead) this.handled(seq);
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

  /** Whether a position is handled already. */
  has(seq: number): boolean {
    return seq <= this.high || this.done.has(seq);
  }

  get position(): number {
    return this.high;
  }

  /** Handled positions above the watermark (waiting on an earlier one). */
  get ahead(): number {
    return this.done.size;
  }

  /** The position there would be once `seqs` are handled too, without marking them. */
  peek(seqs: readonly number[]): StreamPosition {
    const extra = new Set(seqs.filter((s) => s > this.high && !this.done.has(s)));
    let high = this.high;
    while (this.done.has(high + 1) || extra.has(high + 1)) high++;
    const ahead = [...this.done, ...extra].filter((s) => s > high).sort((a, b) => a - b);
    return { position: high, ahead };
  }
}
