// continuous_streaming: high-frequency polling into a bounded buffer, drained by a second loop as fast as the
// pipeline takes records; polling waits while the buffer is full, so a slow pipeline never makes it grow.

import { Channel, pause } from '../channel.js';
import { ModeLoop } from './loop.js';
import type { Deliver, IngestionMode, Poll } from './types.js';

/** @example new ContinuousMode({ intervalMs: 1000, bufferSize: 200 }).start(poll, deliver) */
export class ContinuousMode extends ModeLoop implements IngestionMode {
  readonly kind = 'continuous_streaming' as const;
  private readonly intervalMs: number;
  private readonly bufferSize: number;

  constructor(opts: { intervalMs: number; bufferSize: number; now?: () => number }) {
    super(opts.now);
    this.intervalMs = opts.intervalMs;
    this.bufferSize = opts.bufferSize;
  }

  protected async run<T>(poll: Poll<T>, deliver: Deliver<T>, signal: AbortSignal, onError: (e: unknown) => void) {
    const buffer = new Channel<T>(this.bufferSize);
    const drain = (async () => {
      for (;;) {
        const first = await buffer.take();
        if (first === undefined) return;
        const chunk: T[] = [first as T];
        while (buffer.size > 0 && chunk.length < this.bufferSize) chunk.push((await buffer.take()) as T);
        this.buffered = buffer.size;
        await deliver(chunk);
      }
    })();
    signal.addEventListener('abort', () => buffer.close(), { once: true });
    try {
      while (!signal.aborted) {
        const started = this.now();
        const r = await this.pollOnce(poll, signal, onError);
        for (const rec of r.records) {
          if (!(await buffer.put(rec))) return;
          this.buffered = buffer.size;
        }
        if (r.more) continue;
        this.nextPollAt = started + this.intervalMs;
        if (!(await pause(this.nextPollAt - this.now(), signal))) return;
      }
    } finally {
      buffer.close();
      await drain;
      this.buffered = 0;
    }
  }
}
