// The simulator source: the world continued live from a starting state (normally where the history ends), its
// events in time order and paced, with stable positions so that a resumed stream regenerates the same events.

import type { Config } from '../../config/schema.js';
import type { EventType } from '../../events/types.js';
import { hashKey, mix32 } from '../../random.js';
import { buildContext, type SimContext } from '../../simulate/context.js';
import type { SimSnapshot } from '../../simulate/simulator.js';
import { buildWorld } from '../../world/build.js';
import type { Source, SourceEvent } from '../types.js';
import { LocalCursor, type SimCursor } from './cursor.js';
import { abortableSleep, dueAt, type Pacing, waitOrAbort } from './pacing.js';
import { ThreadedCursor } from './threads.js';

export interface SimulatorSourceOptions {
  /**
   * Where to simulate: in this thread (a context), or on worker threads that build the world from the config and
   * serialise the envelopes (the same events in the same order, whatever the number of threads).
   */
  simulation: { ctx: SimContext } | { config: Config; threads: number; slotBytes?: number };
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

/**
 * The simulation the config asks for: on performance.stream_workers threads, or in this thread with 0.
 * @example new SimulatorSource({ simulation: simulationOf(config), startDay, pacing: { mode: 'max' } })
 */
export function simulationOf(config: Config): SimulatorSourceOptions['simulation'] {
  // Parts are groups of DCs with their stores: a thread without one would only pass on empty days.
  const threads = Math.min(config.performance.stream_workers, config.volume.dcs);
  return threads > 0 ? { config, threads } : { ctx: buildContext(config, buildWorld(config)) };
}

export class SimulatorSource implements Source {
  readonly name = 'simulator';
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly rateBase: number;

  constructor(private readonly opts: SimulatorSourceOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? abortableSleep;
    const sim = opts.simulation;
    this.rateBase = hashKey('ctx' in sim ? sim.ctx.seed : sim.config.seed, 'type-rate');
  }

  describe(): Record<string, unknown> {
    return {
      source: this.name,
      start_day: new Date((this.opts.snapshot?.day ?? this.opts.startDay) * 86_400_000).toISOString().slice(0, 10),
      pacing: this.opts.pacing,
      until: this.opts.until === undefined ? null : new Date(this.opts.until).toISOString(),
    };
  }

  /** Whether the cursor's event is kept under the per-type rates (its id is read only when a rate applies). */
  private keep(c: SimCursor): boolean {
    const r = this.opts.typeRates?.[c.type];
    if (r === undefined || r >= 1) return true;
    const eventId = c.id;
    let h = this.rateBase;
    for (let i = 0; i < eventId.length; i++) h = mix32(h, eventId.charCodeAt(i));
    return h / 4294967296 < r;
  }

  private cursor(): SimCursor {
    const { simulation: sim, startDay, snapshot, until } = this.opts;
    return 'ctx' in sim
      ? new LocalCursor(sim.ctx, startDay, snapshot)
      : new ThreadedCursor({
          config: sim.config,
          threads: sim.threads,
          startDay,
          snapshot,
          until,
          slotBytes: sim.slotBytes,
        });
  }

  async *batches(after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]> {
    const { pacing } = this.opts;
    // A fresh simulation every time: positions count from the same starting state, so a resumed stream skips
    // exactly the events already delivered and regenerates the rest with the same ids.
    const c = this.cursor();
    const size = this.opts.batchSize ?? 500;
    let seq = 0;
    let startWall = 0;
    let startSim = 0;
    let out: SourceEvent[] = [];
    try {
      for (;;) {
        let more = c.advance();
        if (more !== true && more !== false) more = await more;
        if (!more || signal.aborted) break;
        const ts = c.ts;
        if (this.opts.until !== undefined && ts >= this.opts.until) break;
        if (!this.keep(c)) continue;
        seq++;
        if (seq <= after) continue;
        if (startWall === 0) {
          startWall = this.now();
          startSim = ts;
        }
        const due = dueAt(pacing, startWall, startSim, ts, seq - after - 1);
        // The clock is read once for an event that is already due (at --speed max, every one).
        let now = this.now();
        let wait = due - now;
        if (wait > 0 && out.length > 0) {
          yield out;
          out = [];
          now = this.now();
          wait = due - now;
        }
        if (wait > 0) {
          await waitOrAbort(this.sleep, wait, signal);
          now = this.now();
        }
        if (signal.aborted) return;
        out.push(c.take(seq, now));
        if (out.length >= size) {
          yield out;
          out = [];
        }
      }
      if (out.length > 0 && !signal.aborted) yield out;
    } finally {
      await c.close();
    }
  }
}
