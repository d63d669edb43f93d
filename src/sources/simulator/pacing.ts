// How fast the simulator source releases events: in simulated time (speed 1 = wall clock, 60 = a minute per
// second), live (each event at its own simulated instant on the wall clock: what is in the past goes at once, so
// a stream behind the clock catches up and then runs at speed 1), as fast as the pipeline takes them, at a fixed
// rate, or in bursts.

import { z } from 'zod';

export const pacingSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('speed'),
      speed: z.number().positive().max(1_000_000).describe('Simulated seconds per wall-clock second.'),
    })
    .strict(),
  z.object({ mode: z.literal('max') }).strict(),
  z.object({ mode: z.literal('live') }).strict(),
  z.object({ mode: z.literal('rate'), eventsPerSecond: z.number().positive().max(10_000_000) }).strict(),
  z
    .object({ mode: z.literal('burst'), intervalMs: z.number().int().positive(), burst: z.number().int().positive() })
    .strict(),
]);

export type Pacing = z.output<typeof pacingSchema>;

/** Parses `--speed` (a number, `max` or `live`). */
export function parseSpeed(text: string): Pacing {
  if (text === 'max') return { mode: 'max' };
  if (text === 'live') return { mode: 'live' };
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed <= 0)
    throw new Error(
      `--speed: expected a positive number (1 = real time), 'max' or 'live' (catch up with the clock, then real time); got ${JSON.stringify(text)}`,
    );
  return { mode: 'speed', speed };
}

/**
 * Waits until event `i` (simulated time `ts`) may go, given the pacing and when the stream started.
 * Returns at once when it is already due.
 */
export function dueAt(pacing: Pacing, startWall: number, startSim: number, ts: number, i: number): number {
  switch (pacing.mode) {
    case 'max':
      return startWall;
    case 'live':
      // Simulated time is UTC: an event is due when the wall clock reaches its instant.
      return ts;
    case 'speed':
      return startWall + (ts - startSim) / pacing.speed;
    case 'rate':
      return startWall + (i * 1000) / pacing.eventsPerSecond;
    case 'burst':
      return startWall + Math.floor(i / pacing.burst) * pacing.intervalMs;
  }
}

/** The pacing of a `speed` param (or a fixed rate). @example pacingOf('max') */
export function pacingOf(speed: number | 'max' | 'live', rate?: number): Pacing {
  if (rate !== undefined) return { mode: 'rate', eventsPerSecond: rate };
  if (speed === 'max' || speed === 'live') return { mode: speed };
  return { mode: 'speed', speed };
}

/**
 * Waits `ms` with the given sleep, or until `signal` aborts, whichever comes first: a stream paced at speed 1 may
 * wait minutes for its next event, and stopping it must not wait for that.
 * @example await waitOrAbort(sleep, 60_000, signal); if (signal.aborted) return;
 */
export async function waitOrAbort(
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ms: number,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  let off = () => {};
  const aborted = new Promise<void>((resolve) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    off = () => signal.removeEventListener('abort', onAbort);
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
  } finally {
    off();
  }
}

/**
 * Sleeps `ms`, or less when `signal` aborts; the timer is cleared then, so that a stopped stream does not keep the
 * process alive until its next event was due.
 * @example await abortableSleep(60_000, controller.signal);
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
