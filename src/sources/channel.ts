// A small bounded hand-off between a producer loop and an async generator: put() waits while it is full.

/**
 * A bounded FIFO of items with backpressure: `put` resolves once the item is held (waiting while `capacity` items
 * are), `take` resolves with the next item or `undefined` once closed and empty. Closing releases waiting puts
 * (their items are discarded: the consumer is gone).
 * @example const ch = new Channel<number[]>(1); void ch.put([1]); for await (const x of ch) ...
 */
export class Channel<T> {
  private readonly items: T[] = [];
  private readonly putters: Array<() => void> = [];
  private takers: Array<(v: T | undefined) => void> = [];
  private isClosed = false;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Resolves true once the item is held, false if the channel closed first. */
  async put(item: T): Promise<boolean> {
    while (!this.isClosed && this.items.length >= this.capacity) {
      await new Promise<void>((r) => this.putters.push(r));
    }
    if (this.isClosed) return false;
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
    return true;
  }

  take(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      this.putters.shift()?.();
      return Promise.resolve(item);
    }
    if (this.isClosed) return Promise.resolve(undefined);
    return new Promise((r) => this.takers.push(r));
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const r of this.putters.splice(0)) r();
    const takers = this.takers;
    this.takers = [];
    for (const t of takers) t(undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      const item = await this.take();
      if (item === undefined) return;
      yield item;
    }
  }
}

/** Sleeps `ms`, ending early (false) when the signal aborts. @example if (!(await pause(1000, signal))) return; */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
