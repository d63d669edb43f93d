import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configReferenceMarkdown, withConfigReference } from './docs.js';

test('the config reference lists every key with its type and default', () => {
  const md = configReferenceMarkdown();
  assert.match(md, /\| `volume\.stores` \| integer \| `86` \|/);
  assert.match(md, /\| `realtime\.backoff_multiplier` \| number \| `2` \|/);
  assert.match(md, /\| `realtime\.azure_connection_string` \| string \| `""` \|/);
  assert.match(md, /\| `historical\.start_date` \| string \| `"2024-01-01"` \|/);
});

test("the README's config reference is the one the schema generates", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.equal(withConfigReference(readme), readme, 'run `npm run docs:config` to regenerate it');
});
