import { z } from 'zod';
import { DEFAULTS } from '../defaults';

/** Where InfluxDB is (v1 HTTP API) and which database Tideline writes. */
export const influxSectionSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .default(DEFAULTS.influx.url)
      .describe('an http(s) URL, e.g. http://127.0.0.1:18086'),
    database: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . -')
      .default(DEFAULTS.influx.database)
      .describe('a database name of letters, digits, _ . -'),
    username: z.string().optional().describe('a user name (omit when auth is disabled)'),
    password: z.string().optional().describe('a password (omit when auth is disabled)'),
    /** An API token for InfluxDB 2.x/3.x v1-compatibility endpoints (sent as `Authorization: Token …`). */
    token: z.string().optional().describe('an API token (2.x/3.x only)'),
    retention: z
      .string()
      .regex(/^(INF|(\d+(ns|u|µ|ms|s|m|h|d|w))+)$/, 'must be an InfluxDB duration')
      .default(DEFAULTS.influx.retention)
      .describe('an InfluxDB duration such as 30d, 12h or INF'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(DEFAULTS.influx.timeoutMs)
      .describe('an integer number of milliseconds 100-600000'),
  })
  .strict();

export type InfluxSection = z.infer<typeof influxSectionSchema>;
