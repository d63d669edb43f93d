// The command-line program: every command registered, and errors mapped to exit codes (2 for bad input).

import { Command, CommanderError } from 'commander';
import { redactText } from '../config/secret.js';
import { DatagenError } from '../errors.js';
import { registerConfig } from './config.js';
import { registerDlq } from './dlq.js';
import { registerExport } from './export.js';
import { registerFabric } from './fabric.js';
import { registerGenerate } from './generate.js';
import { registerHistory } from './history.js';
import { registerMaster } from './master.js';
import { registerSchema } from './schema.js';
import { registerServe } from './serve.js';
import { registerSources } from './sources.js';
import { registerStart } from './start.js';
import { registerStream } from './stream.js';

export function buildProgram(): Command {
  const program = new Command('retail-datagen')
    .description(
      'Synthetic, correlated retail data: a deterministic retail world, its history in DuckDB, and a live event stream.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStart(program);
  registerServe(program);
  registerMaster(program);
  registerHistory(program);
  registerStream(program);
  registerSources(program);
  registerDlq(program);
  registerGenerate(program);
  registerExport(program);
  registerSchema(program);
  registerConfig(program);
  registerFabric(program);
  return program;
}

/** Runs the CLI with the given argv and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with code 0; every usage error is bad input: exit 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof DatagenError) {
      process.stderr.write(`error [${err.code}]: ${redactText(err.message)}\n`);
      return err.exitCode;
    }
    process.stderr.write(`error [INTERNAL]: ${redactText((err as Error)?.stack ?? String(err))}\n`);
    return 1;
  }
}
