// `retail-datagen start` (what `npm start` runs): the default world in data/retail.duckdb and a summary.

import type { Command } from 'commander';
import { generateMasterAt } from '../jobs/master.js';
import { progress } from '../progress.js';
import { configFrom, type GlobalOptions, say, withGlobalOptions } from './context.js';
import { printMasterSummary } from './master.js';

export function registerStart(program: Command): void {
  withGlobalOptions(program.command('start'))
    .description('the demo: generate the default world into the database (if missing) and print a summary')
    .action(async (opts: GlobalOptions) => {
      const { config } = configFrom(opts);
      say(
        `retail-datagen: seed ${config.seed}, ${config.volume.stores} stores, ${config.volume.total_customers} customers, database ${config.database.path}`,
      );
      const bar = progress('world', 1);
      const result = await generateMasterAt(config, config.database.path, {
        onProgress: (phase, done, total) => {
          if (phase === 'store') bar.update(Math.round((done / Math.max(total, 1)) * 100) / 100);
        },
      });
      bar.stop();
      printMasterSummary(result, config.database.path);
    });
}
