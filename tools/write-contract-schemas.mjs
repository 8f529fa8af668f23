#!/usr/bin/env node
// Writes libs/contracts/schemas/*.json, the JSON Schemas of the events on Tideline's topics, from the zod schemas
// (libs/contracts' contractJsonSchemas). Run after changing a schema and building: `npm run contracts:schemas`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { contractJsonSchemas } = createRequire(import.meta.url)(join(root, 'libs', 'contracts', 'dist', 'index.js'));
const dir = join(root, 'libs', 'contracts', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, schema] of Object.entries(contractJsonSchemas())) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote libs/contracts/schemas/${file}\n`);
}
