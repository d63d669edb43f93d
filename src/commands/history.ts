// `retail-datagen history`: simulate days and store their events in DuckDB's fact tables.

import type { Command } from 'commander';
import { DatagenError } from '../errors.js';
import { runHistory } from '../jobs/history.js';
import { progress } from '../progress.js';
import { parseShard } from '../simulate/simulator.js';
import { openDatabase } from '../store/database.js';
import { configFrom, fmt, type GlobalOptions, note, say, withGlobalOptions } from './context.js';

export function parseCount(flag: string, text: string, min = 1, max = 100_000): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DatagenError(
      'CLI_USAGE',
      `${flag}: expected a whole number from ${min} to ${max}; got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

export function registerHistory(program: Command): void {
  withGlobalOptions(program.command('history'))
    .description('simulate N days and store every event in the fact tables (continues where the last run stopped)')
    .requiredOption('--days <n>', 'number of days to add')
    .option('--start <date>', 'first day of a new history, YYYY-MM-DD (default: historical.start_date)')
    .option('--shard <k/n>', 'generate only shard k of n (a disjoint part of the DCs and their stores)')
    .option(
      '--workers <n>',
      'worker threads (default: performance.max_workers, else the cores allowed by max_cpu_percent)',
    )
    .action(async (opts: GlobalOptions & { days: string; start?: string; shard?: string; workers?: string }) => {
      const { config } = configFrom(opts);
      const days = parseCount('--days', opts.days, 1, 3660);
      if (opts.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.start)) {
        throw new DatagenError(
          'CLI_USAGE',
          `--start: expected a date as YYYY-MM-DD; got ${JSON.stringify(opts.start)}`,
        );
      }
      const shard = opts.shard ? parseShard(opts.shard) : undefined;
      const workers = opts.workers === undefined ? undefined : parseCount('--workers', opts.workers, 1, 64);
      const db = await openDatabase(config.database.path, { threads: config.database.threads });
      let stop = false;
      const onSignal = () => {
        if (stop) process.exit(130);
        stop = true;
        note(
          'stopping after the current day (Ctrl-C again to quit at once: the days not yet committed, up to half a minute of work, are lost)',
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const bar = progress(
        'history',
        days,
        '{bar} {value}/{total} days | {day} | {rate} events/s | ETA {eta_formatted}',
      );
      try {
        const r = await runHistory(config, db, {
          days,
          start: opts.start,
          shard,
          workers,
          shouldStop: () => stop,
          onDay: (p) => bar.update(p.done, { day: p.day, rate: fmt(p.events / Math.max(p.seconds, 1e-9)) }),
        });
        bar.stop();
        say(
          `history ${r.firstDay} .. ${r.lastDay} (${r.days} days): ${fmt(r.events)} events, ${fmt(r.rows)} rows in ${fmt(r.seconds, 1)} s (${fmt(r.events / Math.max(r.seconds, 1e-9))} events/s, ${r.workers} worker${r.workers > 1 ? 's' : ''}) -> ${config.database.path}`,
        );
      } finally {
        bar.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        db.close();
      }
    });
}
