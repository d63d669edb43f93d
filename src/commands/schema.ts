// `retail-datagen schema`: the event definitions as JSON Schema or an AsyncAPI document.

import type { Command } from 'commander';
import { DatagenError } from '../errors.js';
import { asyncApiDocument, eventJsonSchemas } from '../events/json-schema.js';
import { say } from './context.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the event schemas: JSON Schema per event type, or one AsyncAPI 3 document')
    .option('--format <fmt>', 'json-schema or asyncapi', 'json-schema')
    .action((opts: { format: string }) => {
      if (opts.format === 'json-schema') say(JSON.stringify(eventJsonSchemas(), null, 2));
      else if (opts.format === 'asyncapi') say(JSON.stringify(asyncApiDocument(), null, 2));
      else
        throw new DatagenError(
          'CLI_USAGE',
          `--format: expected json-schema or asyncapi; got ${JSON.stringify(opts.format)}`,
        );
    });
}
