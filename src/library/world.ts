// The library's world: generate single events or a mix of them at a given time, from the one simulator.

import type { Config, ConfigInput } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import { EVENT_TYPES, type EventType } from '../events/types.js';
import { Rng, WeightedPicker } from '../random.js';
import { DAY_MS } from '../simulate/calendar.js';
import { buildContext, type SimContext } from '../simulate/context.js';
import { toEnvelope } from '../simulate/envelope.js';
import type { SimEvent } from '../simulate/event-buffer.js';
import { Simulator } from '../simulate/simulator.js';
import { buildWorld } from '../world/build.js';
import type { World } from '../world/types.js';
import { toConfig } from './config.js';

const toMs = (at: Date | string | number) =>
  at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;

/**
 * A retail world in memory, ready to generate events.
 * @example
 * const world = openWorld({ seed: 7, volume: { stores: 10 } });
 * const receipt = world.generateEvent('receipt_created', '2024-03-01T15:00:00Z');
 */
export class RetailWorld {
  readonly config: Config;
  readonly world: World;
  private readonly ctx: SimContext;
  private cache: { day: number; shard: number; events: SimEvent[] } | null = null;

  constructor(config: ConfigInput | Config = {}) {
    this.config = toConfig(config);
    this.world = buildWorld(this.config);
    this.ctx = buildContext(this.config, this.world);
  }

  /**
   * Events of one DC group (a DC, its stores, their customers) for the day of `day`, simulated from the world's
   * initial stock; groups are tried in a seeded order so different days sample different parts of the world.
   */
  private dayEvents(day: number, shard: number): SimEvent[] {
    if (this.cache?.day === day && this.cache.shard === shard) return this.cache.events;
    const dcs = this.world.distributionCenters.length;
    const sim = new Simulator(this.ctx, day, { index: shard, count: dcs });
    const events = sim
      .runDay()
      .units.flat()
      .sort((a, b) => a.ts - b.ts || (a.event_id < b.event_id ? -1 : 1));
    this.cache = { day, shard, events };
    return events;
  }

  private shards(day: number): number[] {
    const n = this.world.distributionCenters.length;
    const first = Rng.of(this.config.seed, 'library-shard', day).int(1, n);
    return Array.from({ length: n }, (_, i) => ((first - 1 + i) % n) + 1);
  }

  /** The first event of `type` at or after `at` on that day (the simulator's own event, with its stable id). */
  generateEvent<T extends EventType>(type: T, at: Date | string | number): EventEnvelope<T> {
    const ms = toMs(at);
    if (Number.isNaN(ms)) throw new DatagenError('CLI_USAGE', `generateEvent: not a time: ${String(at)}`);
    const day = Math.floor(ms / DAY_MS);
    for (const shard of this.shards(day)) {
      const events = this.dayEvents(day, shard).filter((e) => e.event_type === type);
      const hit = events.find((e) => e.ts >= ms) ?? events[events.length - 1];
      if (hit) return toEnvelope(hit) as EventEnvelope<T>;
    }
    throw new DatagenError(
      'CLI_USAGE',
      `generateEvent: the world has no ${type} event on ${new Date(day * DAY_MS).toISOString().slice(0, 10)}`,
    );
  }

  /**
   * `count` events from `at` on, in time order, with event types drawn by `weights` (default: as they occur).
   * @example world.generateMixed(100, '2024-03-01T12:00:00Z', { receipt_created: 0.5, customer_entered: 0.5 })
   */
  generateMixed(
    count: number,
    at: Date | string | number,
    weights?: Partial<Record<EventType, number>>,
  ): EventEnvelope[] {
    const ms = toMs(at);
    const day = Math.floor(ms / DAY_MS);
    const events = this.dayEvents(day, this.shards(day)[0]).filter((e) => e.ts >= ms);
    if (!weights) return events.slice(0, count).map((e) => toEnvelope(e));
    const types = EVENT_TYPES.filter((t) => (weights[t] ?? 0) > 0);
    if (types.length === 0)
      throw new DatagenError('CLI_USAGE', 'generateMixed: weights must give some event type a positive weight');
    const byType = new Map(types.map((t) => [t, events.filter((e) => e.event_type === t)]));
    const cursor = new Map(types.map((t) => [t, 0]));
    const picker = new WeightedPicker(types.map((t) => weights[t] ?? 0));
    const rng = Rng.of(this.config.seed, 'library-mixed', ms, count);
    const out: SimEvent[] = [];
    for (let i = 0; i < count; i++) {
      const t = types[picker.pick(rng)];
      const list = byType.get(t)!;
      if (list.length === 0) continue;
      const k = cursor.get(t)!;
      out.push(list[k % list.length]);
      cursor.set(t, k + 1);
    }
    return out.sort((a, b) => a.ts - b.ts).map((e) => toEnvelope(e));
  }
}

/** Opens a world from a config (defaults when omitted). */
export function openWorld(config: ConfigInput | Config = {}): RetailWorld {
  return new RetailWorld(config);
}
