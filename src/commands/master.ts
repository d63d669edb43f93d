// `retail-datagen master`: generate the world (master data) into DuckDB.

import type { Command } from 'commander';
import { generateMasterAt, type MasterResult } from '../jobs/master.js';
import { progress } from '../progress.js';
import { configFrom, fmt, type GlobalOptions, note, say, withGlobalOptions } from './context.js';

export function printMasterSummary(result: MasterResult, path: string): void {
  if (result.unchanged) {
    say(`${path} already holds this world (same seed and config); nothing to do (use --force to rebuild it).`);
  } else {
    say(
      `world written to ${path} in ${fmt(result.seconds, 2)} s (${fmt(result.rows / Math.max(result.seconds, 1e-9))} rows/s)`,
    );
  }
  for (const [table, n] of Object.entries(result.counts)) say(`  ${table.padEnd(26)} ${fmt(n).padStart(10)}`);
}

export function registerMaster(program: Command): void {
  withGlobalOptions(program.command('master'))
    .description('generate the retail world (geographies, DCs, stores, trucks, customers, products) into DuckDB')
    .option('--force', 'replace a world built from another seed or config, and its history')
    .action(async (opts: GlobalOptions & { force?: boolean }) => {
      const { config } = configFrom(opts);
      const bar = progress('master', 1);
      let total = 1;
      const result = await generateMasterAt(config, config.database.path, {
        force: opts.force,
        onProgress: (phase, done, t) => {
          if (phase === 'store') {
            total = t;
            bar.update(done);
          }
        },
      });
      bar.stop();
      if (total === 0) note('empty world');
      printMasterSummary(result, config.database.path);
    });
}
