// Merges the units of each simulated day into one stream in event-time order: an event is released once no
// later unit can produce anything earlier (the watermark is the earliest start of the next day of any unit).

import { DAY_MS, localToUtc } from './calendar.js';
import { dcDayStart } from './dc-run.js';
import type { SimEvent } from './event-buffer.js';
import type { Simulator } from './simulator.js';

function compare(a: SimEvent, b: SimEvent): number {
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
  let pending: SimEvent[] = [];
  while (sim.day < untilDay) {
    for (const u of sim.runDay().units) for (const e of u) pending.push(e);
    const watermark = sim.day < untilDay ? nextDayStart(sim) : Number.POSITIVE_INFINITY;
    pending.sort(compare);
    let cut = 0;
    while (cut < pending.length && pending[cut].ts < watermark) cut++;
    if (cut > 0) yield pending.slice(0, cut);
    pending = pending.slice(cut);
  }
  if (pending.length > 0) yield pending;
}
