// The retail calendar: traffic by hour, weekday, month and special days; seasons; local days and times.

import type { SeasonTag } from '../world/dictionaries/types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Relative store traffic by local hour of day (0-23): a lunch and an after-work peak. */
export const HOUR_WEIGHTS: readonly number[] = [
  0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.6, 3.6, 4.6, 5.6, 6.2, 5.6, 5.0, 5.0, 5.6, 6.6, 7.0, 5.8, 4.2, 2.8, 1.4,
  0.6,
];

/** Traffic by weekday, Sunday first; the mean over a week is 1. */
export const WEEKDAY_FACTORS: readonly number[] = [1.08, 0.86, 0.82, 0.86, 0.94, 1.14, 1.3];

/** Traffic by month, January first; the mean over a year is 1. */
export const MONTH_FACTORS: readonly number[] = [0.9, 0.86, 0.95, 0.97, 1.0, 1.02, 1.03, 1.08, 0.95, 0.97, 1.03, 1.24];

/** Online orders by local hour: evenings are busiest. */
export const ONLINE_HOUR_WEIGHTS: readonly number[] = [
  0.8, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 1.8, 2.2, 2.5, 2.7, 3.0, 2.8, 2.6, 2.6, 2.8, 3.2, 3.8, 4.4, 4.8, 4.2, 2.8,
  1.6,
];

/** Day index (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** YYYY-MM-DD of a day index. */
export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** yyyymmdd as a number, for ids. */
export function ymdOf(day: number): number {
  const d = new Date(day * DAY_MS);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** UTC ms of a local time (day index, hour) at a UTC offset in hours. */
export function localToUtc(day: number, hourOfDay: number, utcOffsetHours: number): number {
  // Whole milliseconds: event times print with millisecond precision and must order the same way as numbers.
  return Math.round(day * DAY_MS + (hourOfDay - utcOffsetHours) * HOUR_MS);
}

/** Month (1-12), day of month and weekday (0 = Sunday) of a day index. */
export function partsOf(day: number): { year: number; month: number; dom: number; weekday: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dom: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** The n-th given weekday (0 = Sunday) of a month, as a day of month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = new Date(Date.UTC(year, month - 1, days)).getUTCDay();
  return days - ((last - weekday + 7) % 7);
}

export interface DayProfile {
  /** Store traffic multiplier for the day (weekday x month x special day). */
  traffic: number;
  /** Online order multiplier for the day. */
  online: number;
  /** Stores that are not open around the clock stay closed. */
  closed: boolean;
  /** Seasons whose products sell this day. */
  seasons: ReadonlySet<SeasonTag>;
  /** A name for special days (for documentation and tests). */
  special?: string;
}

/** Traffic, online demand, closure and seasons of a day. */
export function dayProfile(day: number): DayProfile {
  const { year, month, dom, weekday } = partsOf(day);
  let traffic = WEEKDAY_FACTORS[weekday] * MONTH_FACTORS[month - 1];
  let online = 0.9 + 0.2 * MONTH_FACTORS[month - 1];
  let closed = false;
  let special: string | undefined;
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  if (month === 11 && dom === thanksgiving) {
    traffic *= 0.45;
    special = 'thanksgiving';
  } else if (month === 11 && dom === thanksgiving + 1) {
    traffic *= 2.2;
    online *= 1.8;
    special = 'black_friday';
  } else if (month === 11 && dom === thanksgiving + 4) {
    online *= 3;
    special = 'cyber_monday';
  } else if (month === 12 && dom === 25) {
    closed = true;
    special = 'christmas';
  } else if (month === 12 && dom >= 15 && dom <= 24) {
    traffic *= 1.35;
    online *= 1.4;
    special = 'holiday_rush';
  } else if (month === 1 && dom === 1) {
    traffic *= 0.5;
    special = 'new_year';
  } else if (month === 7 && dom === 4) {
    traffic *= 0.75;
    special = 'independence_day';
  } else if (month === 5 && dom === lastWeekday(year, 5, 1)) {
    traffic *= 1.15;
    special = 'memorial_day';
  } else if (month === 9 && dom === nthWeekday(year, 9, 1, 1)) {
    traffic *= 1.15;
    special = 'labor_day';
  }
  const seasons = new Set<SeasonTag>();
  if ((month === 11 && dom > thanksgiving) || (month === 12 && dom <= 25)) seasons.add('christmas');
  if (month === 10 || (month === 9 && dom >= 15)) seasons.add('halloween');
  if (month === 11 && dom <= thanksgiving) seasons.add('thanksgiving');
  if ((month === 7 && dom >= 10) || month === 8 || (month === 9 && dom <= 10)) seasons.add('back_to_school');
  if (month >= 5 && month <= 8) seasons.add('summer');
  if ((month === 1 && dom >= 20) || (month === 2 && dom <= 14)) seasons.add('valentines');
  if (month === 3 || (month === 4 && dom <= 20)) seasons.add('easter');
  if (month === 12 || month <= 2) seasons.add('winter');
  return { traffic, online, closed, seasons, special };
}
