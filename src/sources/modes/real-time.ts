// real_time: poll every N seconds; pages that are already there are followed at once.

import { pause } from '../channel.js';
import { ModeLoop } from './loop.js';
import type { Deliver, IngestionMode, Poll } from './types.js';

/** @example new RealTimeMode({ intervalMs: 30_000 }).start(poll, deliver) */
export class RealTimeMode extends ModeLoop implements IngestionMode {
  readonly kind = 'real_time' as const;
  private readonly intervalMs: number;

  constructor(opts: { intervalMs: number; now?: () => number }) {
    super(opts.now);
    this.intervalMs = opts.intervalMs;
  }

  protected async run<T>(poll: Poll<T>, deliver: Deliver<T>, signal: AbortSignal, onError: (e: unknown) => void) {
    while (!signal.aborted) {
      const started = this.now();
      const r = await this.pollOnce(poll, signal, onError);
      if (r.records.length > 0) await deliver(r.records);
      if (r.more) continue;
      this.nextPollAt = started + this.intervalMs;
      if (!(await pause(this.nextPollAt - this.now(), signal))) return;
    }
  }
}
