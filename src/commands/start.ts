// `retail-datagen start` (what `npm start` runs): the demo. On an empty database it builds the world and a week of
// history (the days up to yesterday); then it serves the API and dashboard and runs the live stream to the file
// sink, live (it catches up from midnight to now, then runs at speed 1, so the stores are open when they are), until
// Ctrl-C drains the stream and saves its checkpoint. On a database that has them, it continues.

import type { Command } from 'commander';
import { DatagenError } from '../errors.js';
import { runHistory } from '../jobs/history.js';
import { generateMaster } from '../jobs/master.js';
import { progress } from '../progress.js';
import { openDatabase } from '../store/database.js';
import { readState } from '../store/state.js';
import { configFrom, fmt, type GlobalOptions, note, say, withGlobalOptions } from './context.js';
import { parseCount } from './history.js';
import { printMasterSummary } from './master.js';
import {
  DEFAULT_HOST,
  parsePort,
  resolveSecurity,
  type ServeFlags,
  startServing,
  untilSignal,
  withListenOptions,
} from './serve.js';

interface StartFlags extends GlobalOptions, ServeFlags {
  stream?: boolean;
  days?: string;
  speed?: string;
  start?: string;
}

export function registerStart(program: Command): void {
  const cmd = withGlobalOptions(program.command('start')).description(
    'the demo: build the world and a week of history if the database is empty, then serve the dashboard and stream live events to files (Ctrl-C stops cleanly)',
  );
  withListenOptions(cmd)
    .option('--days <n>', 'days of history to generate on an empty database', '7')
    .option(
      '--speed <n>',
      "pacing of the live stream: 'live' (catch up with the clock, then real time), a number of simulated seconds per second, or 'max'",
      'live',
    )
    .option('--start <date>', 'first day of a new history, YYYY-MM-DD (default: --days before today, UTC)')
    .option('--no-stream', 'serve without starting the live stream')
    .action(async (opts: StartFlags) => {
      const { config } = configFrom(opts);
      const port = parsePort(opts.port);
      const host = opts.host ?? DEFAULT_HOST;
      // Refused before any work: a public address without a token.
      const security = resolveSecurity(host, opts.corsOrigin);
      const days = parseCount('--days', opts.days ?? '7', 1, 3660);
      const speedText = opts.speed ?? 'live';
      const speed: number | 'max' | 'live' =
        speedText === 'live' || speedText === 'max' ? speedText : Number(speedText);
      if (typeof speed === 'number' && (!Number.isFinite(speed) || speed <= 0))
        throw new DatagenError(
          'CLI_USAGE',
          `--speed: expected 'live', 'max' or a positive number of simulated seconds per second; got ${JSON.stringify(opts.speed)}`,
        );
      if (opts.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.start))
        throw new DatagenError(
          'CLI_USAGE',
          `--start: expected a date as YYYY-MM-DD; got ${JSON.stringify(opts.start)}`,
        );
      // The history ends yesterday, so that the live stream starts today and meets the clock.
      const start = opts.start ?? new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
      say(
        `retail-datagen: seed ${config.seed}, ${fmt(config.volume.stores)} stores, ${fmt(config.volume.total_customers)} customers, database ${config.database.path}`,
      );
      const db = await openDatabase(config.database.path, { threads: config.database.threads });
      let stopping = false;
      const stopGenerating = () => {
        if (stopping) process.exit(130);
        stopping = true;
        note(
          'stopping after the current day (Ctrl-C again to quit at once: the days not yet committed, up to half a minute of work, are lost)',
        );
      };
      process.on('SIGINT', stopGenerating);
      process.on('SIGTERM', stopGenerating);
      try {
        const world = progress('world', 1);
        const master = await generateMaster(config, db, {
          onProgress: (phase, done, total) => {
            if (phase === 'store') world.update(Math.round((done / Math.max(total, 1)) * 100) / 100);
          },
        });
        world.stop();
        if (!master.unchanged) printMasterSummary(master, config.database.path);
        const state = await readState(db);
        if (state?.history_end) {
          say(
            `history ${state.history_start} .. ${state.history_end} (${fmt(state.history_events)} events): continuing`,
          );
        } else if (!stopping) {
          say(`generating ${days} days of history`);
          const bar = progress(
            'history',
            days,
            '{bar} {value}/{total} days | {day} | {rate} events/s | ETA {eta_formatted}',
          );
          const tty = process.stderr.isTTY;
          const r = await runHistory(config, db, {
            days,
            start,
            shouldStop: () => stopping,
            onDay: (p) => {
              bar.update(p.done, { day: p.day, rate: fmt(p.events / Math.max(p.seconds, 1e-9)) });
              if (!tty) note(`history: ${p.day} (${p.done}/${p.total}), ${fmt(p.events)} events`);
            },
          });
          bar.stop();
          say(`history ${r.firstDay} .. ${r.lastDay}: ${fmt(r.events)} events in ${fmt(r.seconds, 1)} s`);
        }
      } catch (err) {
        db.close();
        throw err;
      } finally {
        process.off('SIGINT', stopGenerating);
        process.off('SIGTERM', stopGenerating);
      }
      if (stopping) {
        db.close();
        return;
      }
      const s = await startServing(config, { host, port, security }, db);
      const stopped = untilSignal(() => note('stopping: draining the stream and saving the checkpoint'));
      if (opts.stream !== false) {
        const started = await s.ctx.stream.start({ speed, sink: 'file', source: 'simulator' }).catch(async (err) => {
          await s.close();
          throw err;
        });
        const dir = (config.sinks as { file?: { dir?: string } }).file?.dir ?? 'data/stream';
        const from = s.ctx.stream.current?.source.describe().start_day;
        const pace =
          speed === 'live' ? 'live (catching up with the clock at full speed, then in real time)' : `at speed ${speed}`;
        const where =
          started.resumed_from > 0
            ? ` (resuming after event ${fmt(started.resumed_from)})`
            : from
              ? ` (simulated time from ${from}T00:00Z)`
              : '';
        say(`live stream ${started.stream} ${pace} -> ${dir}${where}`);
      }
      say(`dashboard: ${s.url}  (API ${s.url}openapi.json, metrics ${s.url}metrics; Ctrl-C to stop)`);
      await stopped;
      await s.close();
      const st = s.ctx.stream.statistics();
      if (st.stream)
        say(
          `stopped: ${fmt(st.events_sent)} events sent, checkpoint at ${fmt(st.checkpoint.position)}, ${fmt(st.events_dead_lettered)} dead-lettered`,
        );
    });
}
