// The retail-datagen command line entry point: runs the program and sets the exit code.

import { main } from './commands/program.js';

process.exitCode = await main(process.argv.slice(2));
