// Regenerates the config reference in README.md from the schema: node --import tsx scripts/config-docs.ts

import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '../src/config/docs.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withConfigReference(readFileSync(path, 'utf8')));
console.log('README.md config reference updated');
