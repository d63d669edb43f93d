// `retail-datagen export`: write tables to Parquet or CSV through DuckDB's COPY.

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DatagenError } from '../errors.js';
import { openDatabase } from '../store/database.js';
import { type ExportFormat, exportTables } from '../store/export.js';
import { configFrom, fmt, type GlobalOptions, say, withGlobalOptions } from './context.js';

export function registerExport(program: Command): void {
  withGlobalOptions(program.command('export'))
    .description('export tables to Parquet or CSV files')
    .requiredOption('--out <dir>', 'output folder')
    .option('--format <fmt>', 'parquet or csv', 'parquet')
    .option('--tables <names...>', 'tables to export (default: every dim_ and fact_ table)')
    .option('--partition-by <key>', "partition fact tables: 'date' (Parquet only)")
    .action(async (opts: GlobalOptions & { out: string; format: string; tables?: string[]; partitionBy?: string }) => {
      const { config } = configFrom(opts);
      if (opts.format !== 'parquet' && opts.format !== 'csv') {
        throw new DatagenError('CLI_USAGE', `--format: expected parquet or csv; got ${JSON.stringify(opts.format)}`);
      }
      if (opts.partitionBy !== undefined && opts.partitionBy !== 'date') {
        throw new DatagenError(
          'CLI_USAGE',
          `--partition-by: only 'date' is supported; got ${JSON.stringify(opts.partitionBy)}`,
        );
      }
      if (!existsSync(config.database.path)) {
        throw new DatagenError(
          'DB_NOT_INITIALISED',
          `database ${config.database.path} does not exist: run \`retail-datagen master\` first`,
        );
      }
      const db = await openDatabase(config.database.path, { threads: config.database.threads });
      try {
        const tables = (opts.tables ?? []).flatMap((t) => t.split(',')).filter(Boolean);
        const done = await exportTables(db, {
          format: opts.format as ExportFormat,
          outDir: opts.out,
          tables,
          partitionByDate: opts.partitionBy === 'date',
        });
        for (const t of done) say(`${t.table.padEnd(28)} ${fmt(t.rows).padStart(12)} rows -> ${t.path}`);
      } finally {
        db.close();
      }
    });
}
