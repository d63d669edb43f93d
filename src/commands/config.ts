// `retail-datagen config show|schema|validate`: the effective config, its JSON Schema, and checking a file.

import type { Command } from 'commander';
import YAML from 'yaml';
import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { configFrom, type GlobalOptions, say, withGlobalOptions } from './context.js';

/** The JSON Schema of the config file. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'retail-datagen configuration',
  } as Record<string, unknown>;
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('show, validate or describe the configuration');

  withGlobalOptions(config.command('show'))
    .description('print the effective configuration (defaults < file < environment < flags), secrets redacted')
    .option('--format <fmt>', 'json or yaml', 'yaml')
    .action((opts: GlobalOptions & { format: string }) => {
      const { config: cfg } = configFrom(opts);
      // Secrets serialise as *** through their toJSON, so the JSON round trip is also the redaction.
      const plain = JSON.parse(JSON.stringify(cfg));
      say(opts.format === 'json' ? JSON.stringify(plain, null, 2) : YAML.stringify(plain).trimEnd());
    });

  config
    .command('schema')
    .description('print the JSON Schema of the config file')
    .action(() => say(JSON.stringify(configJsonSchema(), null, 2)));

  withGlobalOptions(config.command('validate'))
    .description('check a config file (and the environment and flags); report every problem, exit 2 if any')
    .argument('[file]', 'config file (default: --config)')
    .action((file: string | undefined, opts: GlobalOptions) => {
      configFrom({ ...opts, config: file ?? opts.config });
      say(`config ${file ?? opts.config ?? '(defaults)'} is valid`);
    });
}
