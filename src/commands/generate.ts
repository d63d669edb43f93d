// `retail-datagen generate`: the events of N days as JSON-line envelopes in event-time order, without a database.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { DatagenError } from '../errors.js';
import { dayOf } from '../simulate/calendar.js';
import { buildContext } from '../simulate/context.js';
import { toEnvelope } from '../simulate/envelope.js';
import { parseShard, Simulator } from '../simulate/simulator.js';
import { timeOrdered } from '../simulate/time-order.js';
import { buildWorld } from '../world/build.js';
import { configFrom, fmt, type GlobalOptions, note, withGlobalOptions } from './context.js';
import { parseCount } from './history.js';

export function registerGenerate(program: Command): void {
  withGlobalOptions(program.command('generate'))
    .description('write the events of N days as JSON lines (envelopes, in event-time order) to a file or stdout')
    .requiredOption('--days <n>', 'number of days')
    .option('--start <date>', 'first day, YYYY-MM-DD (default: historical.start_date)')
    .option('--format <fmt>', 'jsonl', 'jsonl')
    .option('--out <file>', "output file, or '-' for stdout", '-')
    .option('--shard <k/n>', 'only shard k of n')
    .action(
      async (opts: GlobalOptions & { days: string; start?: string; format: string; out: string; shard?: string }) => {
        const { config } = configFrom(opts);
        const days = parseCount('--days', opts.days, 1, 3660);
        if (opts.format !== 'jsonl')
          throw new DatagenError('CLI_USAGE', `--format: only jsonl is supported; got ${JSON.stringify(opts.format)}`);
        if (opts.start !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.start)) {
          throw new DatagenError(
            'CLI_USAGE',
            `--start: expected a date as YYYY-MM-DD; got ${JSON.stringify(opts.start)}`,
          );
        }
        const shard = opts.shard ? parseShard(opts.shard) : undefined;
        const start = dayOf(opts.start ?? config.historical.start_date);
        const ctx = buildContext(config, buildWorld(config));
        const sim = new Simulator(ctx, start, shard);
        const out: Writable = opts.out === '-' ? process.stdout : createWriteStream(opts.out);
        const started = performance.now();
        let n = 0;
        for (const batch of timeOrdered(sim, start + days)) {
          let chunk = '';
          for (const e of batch) {
            chunk += `${JSON.stringify(toEnvelope(e))}\n`;
            if (chunk.length > 1 << 20) {
              if (!out.write(chunk)) await once(out, 'drain');
              chunk = '';
            }
          }
          n += batch.length;
          if (chunk && !out.write(chunk)) await once(out, 'drain');
        }
        if (out !== process.stdout) {
          out.end();
          await once(out, 'finish');
          note(`${fmt(n)} events in ${fmt((performance.now() - started) / 1000, 1)} s -> ${opts.out}`);
        }
      },
    );
}
