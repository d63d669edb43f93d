// Five-field cron expressions (minute hour day-of-month month day-of-week, UTC) for scheduled batch pulls.

import { DatagenError } from '../../errors.js';

/** A parsed cron expression. @example parseCron('*\/15 * * * *').next(Date.now()) */
export interface CronSchedule {
  readonly text: string;
  /** The first matching minute strictly after `after` (UTC ms). */
  next(after: number): number;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Why a cron expression is invalid, or undefined. @example cronProblem('61 * * * *') */
export function cronProblem(text: string): string | undefined {
  try {
    parseCron(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function parseField(text: string, f: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new DatagenError('CONFIG_INVALID', `cron ${f.name}: cannot read ${JSON.stringify(part)}`);
    const step = m[4] === undefined ? 1 : Number(m[4]);
    const lo = m[1] === '*' ? f.min : Number(m[2]);
    const hi = m[1] === '*' ? f.max : m[3] === undefined ? (m[4] === undefined ? lo : f.max) : Number(m[3]);
    if (lo < f.min || hi > f.max || lo > hi || step < 1) {
      throw new DatagenError('CONFIG_INVALID', `cron ${f.name}: ${JSON.stringify(part)} is outside ${f.min}-${f.max}`);
    }
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

/**
 * Parses `m h dom mon dow` with `*`, lists, ranges and steps (UTC). When both day fields are restricted, a day
 * matching either one counts, as in classic cron.
 * @example parseCron('0 2 * * 1-5').next(Date.parse('2024-03-01T00:00:00Z'))
 */
export function parseCron(text: string): CronSchedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new DatagenError(
      'CONFIG_INVALID',
      `cron needs 5 fields (minute hour day-of-month month day-of-week); got ${parts.length}`,
    );
  }
  const [minute, hour, dom, month, dow] = parts.map((p, i) => parseField(p, FIELDS[i]));
  const domAny = parts[2] === '*';
  const dowAny = parts[4] === '*';
  return {
    text,
    next(after: number): number {
      let t = Math.floor(after / 60_000) * 60_000 + 60_000;
      // A year and a day of minutes bounds the search; every valid expression matches within it.
      for (let i = 0; i < 527_100; i++, t += 60_000) {
        const d = new Date(t);
        if (!month.has(d.getUTCMonth() + 1) || !hour.has(d.getUTCHours()) || !minute.has(d.getUTCMinutes())) continue;
        const domHit = dom.has(d.getUTCDate());
        const dowHit = dow.has(d.getUTCDay());
        const dayHit = domAny && dowAny ? true : domAny ? dowHit : dowAny ? domHit : domHit || dowHit;
        if (dayHit) return t;
      }
      throw new DatagenError('CONFIG_INVALID', `cron ${JSON.stringify(text)} never matches`);
    },
  };
}
