// What every command shares: the global options, loading the config from them, and printing.

import type { Command } from 'commander';
import { type LoadedConfig, loadConfig } from '../config/loader.js';

export interface GlobalOptions {
  config?: string;
  set?: string[];
  seed?: string;
  db?: string;
}

/** Adds the options every command accepts. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option(
      '--set <key=value>',
      'override one config value, e.g. --set volume.stores=12 (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--seed <n>', 'random seed (same as --set seed=N)')
    .option('--db <path>', 'DuckDB database file (same as --set database.path=PATH)');
}

/** Loads the config from the layers the command was given; throws CONFIG_* errors (exit 2) before any work. */
export function configFrom(opts: GlobalOptions): LoadedConfig {
  const sets = [...(opts.set ?? [])];
  if (opts.db) sets.push(`database.path=${opts.db}`);
  const loaded = loadConfig({ file: opts.config, sets, seed: opts.seed });
  const secrets = [
    [
      'realtime.azure_connection_string',
      loaded.config.realtime.azure_connection_string,
      'AZURE_EVENTHUB_CONNECTION_STRING',
    ],
    ['storage.account_key', loaded.config.storage.account_key, 'AZURE_STORAGE_ACCOUNT_KEY'],
  ] as const;
  for (const [path, value, env] of secrets) {
    const origin = loaded.origins.get(path);
    if (!value.isEmpty && origin?.startsWith('file '))
      note(
        `warning: ${path} is set in ${origin.slice(5)}: secrets do not belong in files; set the ${env} environment variable (or use Key Vault) instead`,
      );
  }
  return loaded;
}

/** Prints a line on stdout. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints a note on stderr (progress, warnings), keeping stdout for results. */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Formats a number with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
