// The simulator source: the world continued live from a starting state (normally where the history ends), its
// events in time order and paced, with stable positions so that a resumed stream regenerates the same events.

import type { EventType } from '../../events/types.js';
import { hashKey, mix32 } from '../../random.js';
import type { SimContext } from '../../simulate/context.js';
import { toEnvelope } from '../../simulate/envelope.js';
import { type SimSnapshot, Simulator } from '../../simulate/simulator.js';
import { timeOrdered } from '../../simulate/time-order.js';
import type { Source, SourceEvent } from '../types.js';
import { abortableSleep, dueAt, type Pacing, waitOrAbort } from './pacing.js';

export interface SimulatorSourceOptions {
  ctx: SimContext;
  /** First simulated day (used when there is no snapshot). */
  startDay: number;
  /** State to continue from (the history's end). */
  snapshot?: SimSnapshot;
  pacing: Pacing;
  /** Stop before this simulated instant (UTC ms): the stream's content is then fully determined. */
  until?: number;
  /** Keep only this share (0-1) of an event type, chosen by a hash of the event id (so deterministically). */
  typeRates?: Partial<Record<EventType, number>>;
  batchSize?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class SimulatorSource implements Source {
  readonly name = 'simulator';
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly rateBase: number;

  constructor(private readonly opts: SimulatorSourceOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
    this.rateBase = hashKey(opts.ctx.seed, 'type-rate');
  }

  describe(): Record<string, unknown> {
    return {
      source: this.name,
      start_day: new Date((this.opts.snapshot?.day ?? this.opts.startDay) * 86_400_000).toISOString().slice(0, 10),
      pacing: this.opts.pacing,
      until: this.opts.until === undefined ? null : new Date(this.opts.until).toISOString(),
    };
  }

  private keep(type: EventType, eventId: string): boolean {
    const r = this.opts.typeRates?.[type];
    if (r === undefined || r >= 1) return true;
    let h = this.rateBase;
    for (let i = 0; i < eventId.length; i++) h = mix32(h, eventId.charCodeAt(i));
    return h / 4294967296 < r;
  }

  async *batches(after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]> {
    const { ctx, pacing } = this.opts;
    // A fresh simulator every time: positions count from the same starting state, so a resumed stream skips
    // exactly the events already delivered and regenerates the rest with the same ids.
    const sim = new Simulator(
      ctx,
      this.opts.startDay,
      undefined,
      this.opts.snapshot ? structuredClone(this.opts.snapshot) : undefined,
    );
    const size = this.opts.batchSize ?? 500;
    let seq = 0;
    let startWall = 0;
    let startSim = 0;
    let out: SourceEvent[] = [];
    for (const day of timeOrdered(sim, Number.MAX_SAFE_INTEGER)) {
      for (const e of day) {
        if (signal.aborted) return;
        if (this.opts.until !== undefined && e.ts >= this.opts.until) {
          if (out.length > 0) yield out;
          return;
        }
        if (!this.keep(e.event_type, e.event_id)) continue;
        seq++;
        if (seq <= after) continue;
        if (startWall === 0) {
          startWall = this.now();
          startSim = e.ts;
        }
        const due = dueAt(pacing, startWall, startSim, e.ts, seq - after - 1);
        let wait = due - this.now();
        if (wait > 0 && out.length > 0) {
          yield out;
          out = [];
          wait = due - this.now();
        }
        if (wait > 0) await waitOrAbort(this.sleep, wait, signal);
        if (signal.aborted) return;
        const at = this.now();
        out.push({ envelope: toEnvelope(e, at), seq, at });
        if (out.length >= size) {
          yield out;
          out = [];
        }
      }
    }
    if (out.length > 0) yield out;
  }
}
