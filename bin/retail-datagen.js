#!/usr/bin/env node
// Entry point of the retail-datagen command: runs the compiled CLI (built by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('retail-datagen is not built yet: run `npm install` (or `npm run build`) in the project folder.');
  process.exit(1);
}
await import(cli.href);
