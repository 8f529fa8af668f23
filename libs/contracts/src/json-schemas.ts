import { z } from 'zod';
import { alertEventSchema } from './alert-event.schema';
import { baselineRecordSchema } from './baseline-point.schema';
import { metricEventSchema } from './metric-event.schema';

/**
 * The events on Tideline's topics as JSON Schema (draft 2020-12), generated from the zod schemas so that they never
 * drift: for producers and subscribers that are not written in TypeScript. Published as `libs/contracts/schemas/*.json`
 * (a test keeps the files equal to this; `npm run contracts:schemas` writes them with tools/write-contract-schemas.mjs). What zod checks in code only (a
 * name InfluxDB could not store, at most 32 tags) is in the descriptions.
 */
export function contractJsonSchemas(): Record<string, Record<string, unknown>> {
  return {
    'tideline.metric.v1.schema.json': schemaOf(metricEventSchema),
    'tideline.alert.v1.schema.json': schemaOf(alertEventSchema),
    'tideline.baseline.v2.schema.json': schemaOf(baselineRecordSchema),
  };
}

function schemaOf(schema: z.ZodType): Record<string, unknown> {
  // what a producer may send: defaults (tags) are optional on input
  return z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
}
