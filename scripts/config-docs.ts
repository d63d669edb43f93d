// Regenerates the generated parts of README.md (config reference, library example): npm run docs:config

import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '../src/config/docs.js';

const path = new URL('../README.md', import.meta.url);
const example = readFileSync(new URL('../examples/library.ts', import.meta.url), 'utf8').trim();
const readme = withConfigReference(readFileSync(path, 'utf8')).replace(
  /(<!-- example:begin[^\n]*-->\n```ts\n)[\s\S]*?(```\n<!-- example:end -->)/,
  (_m, open: string, close: string) => `${open}${example}\n${close}`,
);
writeFileSync(path, readme);
console.log('README.md config reference updated');
