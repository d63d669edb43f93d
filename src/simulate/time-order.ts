// Merges the units of each simulated day into one stream in event-time order: an event is released once no
// later unit can produce anything earlier (the watermark is the earliest start of the next day of any unit).

import { DAY_MS, localToUtc } from './calendar.js';
import { dcDayStart } from './dc-run.js';
import type { SimEvent } from './event-buffer.js';
import type { Simulator } from './simulator.js';

/** What the merge orders by: the event's time and id. */
export interface Timed {
  ts: number;
  event_id: string;
}

function compare(a: Timed, b: Timed): number {
  return a.ts - b.ts || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);
}

/** The earliest UTC instant at which any unit of the simulator's next day starts. */
export function nextDayStart(sim: Simulator): number {
  const day = sim.day;
  let w = day * DAY_MS;
  for (const id of sim.storeIds) w = Math.min(w, localToUtc(day, 0, sim.ctx.storeById(id).utc_offset_hours));
  for (const id of sim.dcIds) w = Math.min(w, dcDayStart(sim.ctx, sim.ctx.dcById(id), day));
  return w;
}

/**
 * Yields the simulator's events in (event_ts, event_id) order, day after day, until `untilDay` (exclusive).
 * @example for (const batch of timeOrdered(sim, end)) write(batch);
 */
export function* timeOrdered(sim: Simulator, untilDay: number): Generator<SimEvent[]> {
  for (const r of timeOrderedAs(sim, untilDay, (e) => e)) if (r.events.length > 0) yield r.events;
}

/** Events released in time order, and the time at or after which all later ones are. */
export interface Release<T> {
  events: T[];
  watermark: number;
}

/**
 * timeOrdered, with each event turned into `T` as soon as its unit is simulated (e.g. its JSON: events held until
 * their release are then compact, and the simulator's objects die young), and `afterUnit` called after each unit so
 * that a consumer of the last released batch may go on with it meanwhile. One release per day, even an empty one
 * (a part of the world may have nothing to say for a day): its watermark tells how far the stream has come.
 * @example for (const batch of timeOrderedAs(sim, end, (e) => ({ ts: e.ts, event_id: e.event_id, json: serialise(e) }))) send(batch);
 */
export function* timeOrderedAs<T extends Timed>(
  sim: Simulator,
  untilDay: number,
  convert: (e: SimEvent) => T,
  afterUnit?: () => void,
): Generator<Release<T>> {
  let pending: T[] = [];
  const add = (unit: SimEvent[]) => {
    for (const e of unit) pending.push(convert(e));
    afterUnit?.();
  };
  while (sim.day < untilDay) {
    sim.streamDay(add);
    const watermark = sim.day < untilDay ? nextDayStart(sim) : Number.POSITIVE_INFINITY;
    pending.sort(compare);
    let cut = 0;
    while (cut < pending.length && pending[cut].ts < watermark) cut++;
    yield { events: pending.slice(0, cut), watermark };
    pending = pending.slice(cut);
  }
  if (pending.length > 0) yield { events: pending, watermark: Number.POSITIVE_INFINITY };
}
