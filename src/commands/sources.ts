// `retail-datagen sources list|check NAME` and `retail-datagen route explain`: the configured sources, their state,
// a one-off test of one of them, and why a record goes where it goes.

import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import YAML from 'yaml';
import { readConfigFile } from '../config/loader.js';
import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import { Router } from '../pipeline/router.js';
import type { SourceConfig } from '../sources/config.js';
import { settingsOf } from '../sources/config.js';
import type { PollingSetting } from '../sources/factory.js';
import { createSource, routingOf } from '../sources/open.js';
import { type RecordShape, recordKey, toRecordEnvelope } from '../sources/records.js';
import { SOURCES, type SourceKind } from '../sources/registry.js';
import { mapSeed003Config } from '../sources/seed-003.js';
import { listCheckpoints } from '../store/checkpoints.js';
import { type Database, openDatabase } from '../store/database.js';
import { configFrom, type GlobalOptions, say, withGlobalOptions } from './context.js';

function modeText(s: SourceConfig): string {
  if (!polls(s.source_type)) return 'paced';
  const i = settingsOf(s).ingestion;
  switch (i.mode) {
    case 'batch':
      return i.cron ? `batch cron '${i.cron}'` : `batch every ${i.schedule_interval_seconds}s`;
    case 'real_time':
      return `real_time every ${i.polling_interval_seconds}s`;
    case 'continuous_streaming':
      return `continuous every ${i.polling_interval_seconds}s, buffer ${i.buffer_size}`;
  }
}

/** True for source types that poll on an ingestion mode. */
function polls(type: string): boolean {
  return usesSetting(type, 'ingestion');
}

function usesSetting(type: string, key: PollingSetting): boolean {
  return (SOURCES[type as SourceKind].settings as readonly string[]).includes(key);
}

async function withDb<T>(config: Config, fn: (db: Database | undefined) => Promise<T>): Promise<T> {
  const path = config.database.path;
  if (path !== ':memory:' && !existsSync(path)) return fn(undefined);
  const db = await openDatabase(path, { threads: config.database.threads });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

function pad(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

export function registerSources(program: Command): void {
  const sources = program
    .command('sources')
    .description('the configured sources: list them, test one, or import a seed 003 config');

  withGlobalOptions(sources.command('list'))
    .description('each configured source: type, state, mode, priority, destination, rate and saved position')
    .option('--json', 'print JSON')
    .action(async (opts: GlobalOptions & { json?: boolean }) => {
      const { config } = configFrom(opts);
      // A running stream holds the database: the list is still useful without the saved positions.
      const saved = await withDb(config, async (db) => (db ? listCheckpoints(db) : [])).catch((err: Error) => {
        process.stderr.write(`note: saved positions not shown: ${err.message.split('\n')[0]}\n`);
        return [];
      });
      const router = new Router(routingOf(config));
      const list = Object.entries(config.sources).map(([name, s]) => {
        const cp = saved.find((c) => (c.source.sources as Record<string, unknown> | undefined)?.[name]);
        const pos = (cp?.source.sources as Record<string, { position: number }> | undefined)?.[name];
        return {
          name,
          type: s.source_type,
          state: s.enabled ? 'enabled' : 'disabled',
          mode: modeText(s),
          priority: s.priority ?? 'by type',
          destination: s.destination ?? `(rules; default ${router.rules.default})`,
          rate_per_minute: usesSetting(s.source_type, 'rate_limit_per_minute')
            ? settingsOf(s).rate_limit_per_minute
            : null,
          position: pos?.position ?? null,
          saved_at: cp?.updated_at ?? null,
          stream: cp?.stream ?? null,
        };
      });
      if (opts.json) return say(JSON.stringify(list, null, 2));
      if (list.length === 0) return say('no sources configured (add them under sources: in the config file)');
      const rows = [['NAME', 'TYPE', 'STATE', 'MODE', 'PRIORITY', 'DESTINATION', 'RATE/MIN', 'POSITION']];
      for (const s of list) {
        rows.push([
          s.name,
          s.type,
          s.state,
          s.mode,
          s.priority,
          s.destination,
          s.rate_per_minute === null ? '-' : String(s.rate_per_minute),
          s.position === null ? '-' : `${s.position} (${s.saved_at})`,
        ]);
      }
      for (const line of pad(rows)) say(line);
    });

  withGlobalOptions(sources.command('check'))
    .description('test one source once (one request or read, nothing delivered) and show where its records go')
    .argument('<name>', 'the source name')
    .action(async (name: string, opts: GlobalOptions) => {
      const { config } = configFrom(opts);
      const router = new Router(routingOf(config));
      await withDb(config, async (db) => {
        const type = config.sources[name]?.source_type;
        const needsDb = type !== undefined && !polls(type);
        if (needsDb && config.sources[name] && !db) {
          throw new DatagenError('DB_NOT_INITIALISED', `source ${name}: no database at ${config.database.path}`);
        }
        const source = await createSource(config, name, db);
        if (!source.check) {
          say(`source ${name}: ok (${JSON.stringify(source.describe())})`);
          return;
        }
        const ac = new AbortController();
        const r = await source.check(ac.signal);
        if (!r.ok) throw new DatagenError('SOURCE_FETCH_FAILED', `source ${name}: check failed: ${r.detail}`);
        say(`source ${name}: ok: ${r.detail}`);
        for (const env of r.sample as { event_type: string; payload: unknown }[]) {
          const dest = router.route({ type: env.event_type, source: name, data: env });
          say(`  -> ${dest}: ${JSON.stringify(env).slice(0, 300)}`);
        }
      });
    });

  sources
    .command('import-seed')
    .description("print seed 003's stream_config.yaml mapped onto this config (keys with no counterpart on stderr)")
    .argument('<file>', 'the seed 003 config (YAML or JSON)')
    .action((file: string) => {
      const { config, notes } = mapSeed003Config(readConfigFile(file));
      say(YAML.stringify(config).trimEnd());
      for (const n of notes) process.stderr.write(`note: ${n}\n`);
    });

  const route = program.command('route').description('the routing rules');
  withGlobalOptions(route.command('explain'))
    .description('show which routing rule sends a sample record where, and every check made on the way')
    .option('--record <json>', 'the record (an envelope, or a raw record of --source)')
    .option('--file <path>', 'read the record from a JSON file')
    .option('--source <name>', 'the configured source it comes from')
    .option('--type <event_type>', 'its event type (default: from the envelope, else the source)')
    .option('--json', 'print JSON')
    .action(
      (opts: GlobalOptions & { record?: string; file?: string; source?: string; type?: string; json?: boolean }) => {
        const { config } = configFrom(opts);
        if ((opts.record === undefined) === (opts.file === undefined)) {
          throw new DatagenError(
            'CLI_USAGE',
            'give the sample record with exactly one of --record JSON or --file PATH',
          );
        }
        const text = opts.record ?? readFileSync(opts.file as string, 'utf8');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new DatagenError(
            'CLI_USAGE',
            `${opts.record ? '--record' : '--file'}: not JSON: ${(err as Error).message}`,
          );
        }
        const s = opts.source === undefined ? undefined : config.sources[opts.source];
        if (opts.source !== undefined && !s) {
          throw new DatagenError(
            'SOURCE_NOT_FOUND',
            `--source: no source named ${JSON.stringify(opts.source)}; configured: ${Object.keys(config.sources).join(', ') || '(none)'}`,
          );
        }
        const isEnvelope = value !== null && typeof value === 'object' && 'event_type' in value && 'payload' in value;
        let data = value;
        if (!isEnvelope && opts.source !== undefined && s && polls(s.source_type)) {
          const shape = s.params as RecordShape;
          data = toRecordEnvelope(opts.source, value, recordKey(value, shape), shape, Date.now());
        }
        const type =
          opts.type ??
          ((data as { event_type?: unknown })?.event_type as string | undefined) ??
          opts.source ??
          'record';
        const router = new Router(routingOf(config));
        const x = router.explain({ type, source: opts.source, data });
        if (opts.json) return say(JSON.stringify(x, null, 2));
        say(`destination: ${x.destination}`);
        say(`matched: ${x.matched}${x.rule ? ` ${x.rule}` : ''}`);
        say('checked:');
        for (const c of x.checked) say(`  ${c}`);
      },
    );
}
