// The retail-datagen command line entry point: runs the program and sets the exit code.

import { main } from './commands/program.js';

// A closed pipe (`... | head`) ends the command quietly instead of with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
