// `retail-datagen dlq list|stats|retry|replay|purge`: the dead-letter store, with filters by type, error and time.

import type { Command } from 'commander';
import { DatagenError, isDatagenError } from '../errors.js';
import { replayDeadLetters } from '../jobs/dead-letters.js';
import { SINK_KINDS } from '../sinks/registry.js';
import { openDatabase } from '../store/database.js';
import { type DeadLetterFilter, DeadLetterStore } from '../store/dead-letters.js';
import { configFrom, fmt, type GlobalOptions, say, withGlobalOptions } from './context.js';
import { parseCount } from './history.js';
import { parseInstant } from './stream.js';

interface Filters extends GlobalOptions {
  type?: string;
  error?: string;
  destination?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: string;
  json?: boolean;
  sink?: string;
}

function filterOf(o: Filters): DeadLetterFilter {
  if (o.status !== undefined && !['pending', 'delivered', 'gave_up'].includes(o.status)) {
    throw new DatagenError(
      'CLI_USAGE',
      `--status: expected pending, delivered or gave_up; got ${JSON.stringify(o.status)}`,
    );
  }
  return {
    type: o.type,
    error: o.error,
    destination: o.destination,
    status: o.status as DeadLetterFilter['status'],
    from: o.from === undefined ? undefined : new Date(parseInstant('--from', o.from)).toISOString(),
    to: o.to === undefined ? undefined : new Date(parseInstant('--to', o.to)).toISOString(),
    limit: o.limit === undefined ? undefined : parseCount('--limit', o.limit, 1, 1_000_000),
  };
}

function withFilters(cmd: Command): Command {
  return withGlobalOptions(cmd)
    .option('--type <event_type>', 'only this event type')
    .option('--error <text>', 'only this error code, or errors containing this text')
    .option('--destination <name>', 'only this destination')
    .option('--status <s>', 'pending, delivered or gave_up')
    .option('--from <time>', 'last failure at or after this time')
    .option('--to <time>', 'last failure before this time')
    .option('--limit <n>', 'at most this many');
}

async function withStore<T>(
  o: Filters,
  fn: (
    store: DeadLetterStore,
    config: ReturnType<typeof configFrom>['config'],
    db: Awaited<ReturnType<typeof openDatabase>>,
  ) => Promise<T>,
): Promise<T> {
  const { config } = configFrom(o);
  const db = await openDatabase(config.database.path, { threads: config.database.threads });
  try {
    return await fn(await DeadLetterStore.open(db), config, db);
  } finally {
    db.close();
  }
}

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('the dead-letter store: events that could not be delivered');

  withFilters(dlq.command('list'))
    .description('list dead letters (newest last)')
    .option('--json', 'one JSON object per line, with the envelope')
    .action((o: Filters) =>
      withStore(o, async (store) => {
        const rows = await store.list(filterOf(o));
        for (const r of rows) {
          if (o.json) say(JSON.stringify({ ...r, envelope: JSON.parse(r.envelope) }));
          else
            say(
              `${String(r.id).padStart(6)} ${r.status.padEnd(9)} ${r.event_type.padEnd(22)} ${r.event_id.padEnd(26)} -> ${r.destination} x${r.attempts} ${r.last_failed_at} ${r.error_code}: ${r.last_error.slice(0, 100)}`,
            );
        }
        if (!o.json) say(`${fmt(rows.length)} dead letter${rows.length === 1 ? '' : 's'}`);
      }),
    );

  withFilters(dlq.command('stats'))
    .description('counts by status, event type and error')
    .action((o: Filters) =>
      withStore(o, async (store) => {
        say(JSON.stringify(await store.stats(filterOf(o)), null, 2));
      }),
    );

  withFilters(dlq.command('retry'))
    .description('make matching dead letters due now (a running stream retries them on its schedule)')
    .action((o: Filters) =>
      withStore(o, async (store) => {
        say(`${fmt(await store.requeue(filterOf(o)))} dead letters due for retry`);
      }),
    );

  withFilters(dlq.command('replay'))
    .description('send matching dead letters now through a sink, and mark the delivered ones')
    .option('--sink <kind>', `sink to send through: ${SINK_KINDS.join(', ')} (default: stream.sink)`)
    .action((o: Filters) =>
      withStore(o, async (store, config, db) => {
        const r = await replayDeadLetters(config, db, store, filterOf(o), o.sink).catch((err) => {
          throw isDatagenError(err, 'CLI_USAGE') ? new DatagenError('CLI_USAGE', `--${err.message}`) : err;
        });
        say(
          `replayed through ${r.sink}: ${fmt(r.delivered)} delivered, ${fmt(r.failed)} failed again, ${fmt(r.gaveUp)} given up`,
        );
      }),
    );

  withFilters(dlq.command('purge'))
    .description('delete matching dead letters')
    .action((o: Filters) =>
      withStore(o, async (store) => {
        say(`${fmt(await store.purge(filterOf(o)))} dead letters purged`);
      }),
    );
}
