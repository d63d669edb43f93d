// batch: a scheduled bulk pull (an interval or a cron): at each tick every page is pulled and handed on in
// chunks of batch_size, then the mode waits for the next tick.

import { pause } from '../channel.js';
import type { CronSchedule } from './cron.js';
import { ModeLoop } from './loop.js';
import type { Deliver, IngestionMode, Poll } from './types.js';

/** @example new BatchMode({ intervalMs: 3_600_000, batchSize: 1000 }).start(poll, deliver) */
export class BatchMode extends ModeLoop implements IngestionMode {
  readonly kind = 'batch' as const;
  private readonly intervalMs?: number;
  private readonly cron?: CronSchedule;
  private readonly batchSize: number;

  constructor(opts: { intervalMs?: number; cron?: CronSchedule; batchSize: number; now?: () => number }) {
    super(opts.now);
    this.intervalMs = opts.intervalMs;
    this.cron = opts.cron;
    this.batchSize = opts.batchSize;
  }

  protected async run<T>(poll: Poll<T>, deliver: Deliver<T>, signal: AbortSignal, onError: (e: unknown) => void) {
    // An interval schedule pulls at once on start; a cron schedule waits for its first tick.
    if (this.cron && !(await this.waitUntil(this.cron.next(this.now()), signal))) return;
    while (!signal.aborted) {
      const tick = this.now();
      let pending: T[] = [];
      for (;;) {
        const r = await this.pollOnce(poll, signal, onError);
        pending.push(...r.records);
        while (pending.length >= this.batchSize) {
          await deliver(pending.slice(0, this.batchSize));
          pending = pending.slice(this.batchSize);
        }
        if (!r.more || signal.aborted) break;
      }
      if (pending.length > 0) await deliver(pending);
      const next = this.cron ? this.cron.next(this.now()) : tick + (this.intervalMs ?? 0);
      if (!(await this.waitUntil(next, signal))) return;
    }
  }

  private waitUntil(at: number, signal: AbortSignal): Promise<boolean> {
    this.nextPollAt = at;
    return pause(at - this.now(), signal);
  }
}
