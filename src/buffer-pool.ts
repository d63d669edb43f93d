// Buffers used again instead of made anew. V8 counts the memory of every new Buffer or ArrayBuffer as external and
// starts collections as it adds up (`--trace-gc` names them "external memory pressure"): the stream's simulating
// threads, making a new buffer for each batch and unit of events, collected two or three times a second for that,
// and ran a full collection about every second.

/** Sizes below 2^MIN_BITS bytes are rounded up to it. */
const MIN_BITS = 12;

/** The size class of a buffer of at least `size` bytes: four classes per power of two (at most 25% over). */
function classOf(size: number): number {
  const s = Math.max(size, 2 ** MIN_BITS);
  const k = Math.floor(Math.log2(s));
  const j = Math.ceil((s - 2 ** k) / 2 ** (k - 2));
  return 4 * k + j;
}

/** The length of the buffers of a class. */
function sizeOf(cls: number): number {
  const k = Math.floor(cls / 4);
  return 2 ** k + (cls % 4) * 2 ** (k - 2);
}

/**
 * Buffers in a few sizes per power of two, given back when done with and taken again. Up to `capBytes` are kept;
 * beyond that, what is given back is left to the garbage collector.
 * @example const pool = new BufferPool(64 << 20); const b = pool.take(1000); ...; pool.give(b);
 */
export class BufferPool {
  private readonly free: Buffer[][] = [];
  private kept = 0;

  constructor(private readonly capBytes: number) {}

  /**
   * A buffer of at least `size` bytes, holding whatever it held before: a kept one of up to twice the size (sizes
   * vary from one use to the next), else a new one of at most a quarter more.
   */
  take(size: number): Buffer {
    const cls = classOf(size);
    for (let c = cls; c <= cls + 4; c++) {
      const b = this.free[c]?.pop();
      if (b !== undefined) {
        this.kept -= b.length;
        return b;
      }
    }
    return Buffer.allocUnsafeSlow(sizeOf(cls));
  }

  /** Gives back a buffer this pool gave; it must not be used after. */
  give(b: Buffer): void {
    if (this.kept + b.length > this.capBytes) return;
    const cls = classOf(b.length);
    if (sizeOf(cls) !== b.length) return;
    let list = this.free[cls];
    if (list === undefined) {
      list = [];
      this.free[cls] = list;
    }
    list.push(b);
    this.kept += b.length;
  }

  /** Lets go of kept buffers, the largest first, until no more than `bytes` are kept. */
  trim(bytes: number): void {
    for (let cls = this.free.length - 1; cls >= 0 && this.kept > bytes; cls--) {
      const list = this.free[cls];
      while (list !== undefined && list.length > 0 && this.kept > bytes) this.kept -= list.pop()!.length;
    }
  }

  /** Bytes held for reuse. */
  get keptBytes(): number {
    return this.kept;
  }
}
