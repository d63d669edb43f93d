// Buffers of built chunks, kept for reuse by size: a chunk's buffers are handed over (to another thread) and come
// back once the chunk is stored, so that building chunks allocates next to nothing once the pool is warm.

/**
 * A free list of ArrayBuffers per byte length.
 * @example const pool = new ChunkBufferPool(); const b = pool.get(8192); pool.put([b]); pool.get(8192) === b;
 */
export class ChunkBufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();

  /** A buffer of exactly `bytes` bytes; its contents are whatever it last held. */
  get(bytes: number): ArrayBuffer {
    return this.free.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
  }

  /** Gives buffers back for reuse. */
  put(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) {
      const list = this.free.get(b.byteLength);
      if (list) list.push(b);
      else this.free.set(b.byteLength, [b]);
    }
  }
}
