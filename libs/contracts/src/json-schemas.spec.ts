import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contractJsonSchemas } from './json-schemas';

const DIR = resolve(__dirname, '..', 'schemas');

describe('published JSON Schemas', () => {
  it('are the ones generated from the zod schemas (run `npm run contracts:schemas` after changing a schema)', () => {
    for (const [file, schema] of Object.entries(contractJsonSchemas())) {
      const published = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as unknown;
      assert.deepEqual(published, schema, `libs/contracts/schemas/${file} is out of date`);
    }
  });

  it('document units, detector names and severities, and refuse unknown fields', () => {
    const schemas = contractJsonSchemas();
    const metric = schemas['tideline.metric.v1.schema.json'] as {
      properties: Record<string, { description?: string }>;
      additionalProperties: boolean;
    };
    assert.match(metric.properties['ts']!.description!, /milliseconds since the Unix epoch/);
    assert.match(metric.properties['unit']!.description!, /percent/);
    assert.equal(metric.additionalProperties, false);
    const alert = JSON.stringify(schemas['tideline.alert.v1.schema.json']);
    for (const word of ['level_shift', 'new_high', 'critical', 'warning', 'firing', 'resolved'])
      assert.ok(alert.includes(word), word);
  });
});
