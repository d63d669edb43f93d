// `retail-datagen fabric kql|eventstream`: the Microsoft Fabric set-up of the event stream, generated from the
// event schemas (KQL tables, ingestion mappings, update policies, and the Eventstream routing rules).

import type { Command } from 'commander';
import { DatagenError } from '../errors.js';
import { EVENT_TYPES, type EventType } from '../events/types.js';
import { eventstreamGuide, eventstreamRules } from '../fabric/eventstream.js';
import { type KqlMode, kqlScript } from '../fabric/kql.js';
import { say } from './context.js';

const MODES: readonly KqlMode[] = ['tables', 'update-policy', 'raw'];

function parseTypes(text: string | undefined): EventType[] | undefined {
  if (text === undefined) return undefined;
  const types = text.split(',').map((t) => t.trim());
  for (const t of types)
    if (!(EVENT_TYPES as readonly string[]).includes(t))
      throw new DatagenError(
        'CLI_USAGE',
        `--types: unknown event type ${JSON.stringify(t)}; known: ${EVENT_TYPES.join(', ')}`,
      );
  return types as EventType[];
}

function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9_]*$/.test(prefix))
    throw new DatagenError('CLI_USAGE', `--prefix: letters, digits and _ only; got ${JSON.stringify(prefix)}`);
  return prefix;
}

export function registerFabric(program: Command): void {
  const fabric = program.command('fabric').description('print the Microsoft Fabric set-up of the event stream');

  fabric
    .command('kql')
    .description('print the KQL commands that create a table per event type with its JSON ingestion mapping')
    .option(
      '--mode <mode>',
      'tables (a table per event type, fed by Table routing), update-policy (a raw table fanned out into the typed tables), raw (one table, payload dynamic)',
      'tables',
    )
    .option('--raw-table <name>', 'name of the raw table (update-policy and raw modes)', 'retail_events_raw')
    .option('--prefix <prefix>', 'prefix of the typed tables', '')
    .option('--types <list>', 'only these event types, comma-separated')
    .action((opts: { mode: string; rawTable: string; prefix: string; types?: string }) => {
      if (!(MODES as readonly string[]).includes(opts.mode))
        throw new DatagenError(
          'CLI_USAGE',
          `--mode: expected one of ${MODES.join(', ')}; got ${JSON.stringify(opts.mode)}`,
        );
      process.stdout.write(
        kqlScript({
          mode: opts.mode as KqlMode,
          rawTable: checkPrefix(opts.rawTable),
          prefix: checkPrefix(opts.prefix),
          types: parseTypes(opts.types),
        }),
      );
    });

  fabric
    .command('eventstream')
    .description('print the routing rules of a Fabric Eventstream: the Table property of each event to its KQL table')
    .option('--format <fmt>', 'text or json', 'text')
    .option('--prefix <prefix>', 'prefix of the typed tables', '')
    .option('--types <list>', 'only these event types, comma-separated')
    .action((opts: { format: string; prefix: string; types?: string }) => {
      const rules = eventstreamRules({ prefix: checkPrefix(opts.prefix), types: parseTypes(opts.types) });
      if (opts.format === 'json') say(JSON.stringify({ routes: rules }, null, 2));
      else if (opts.format === 'text') process.stdout.write(eventstreamGuide(rules));
      else throw new DatagenError('CLI_USAGE', `--format: expected text or json; got ${JSON.stringify(opts.format)}`);
    });
}
