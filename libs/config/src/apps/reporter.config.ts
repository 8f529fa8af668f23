import type { z } from 'zod';
import { DEFAULT_HTTP_PORTS } from '../defaults';
import {
  httpSectionSchema,
  influxSectionSchema,
  kafkaSectionSchema,
  logSectionSchema,
  reporterSectionSchema,
} from '../sections';
import { defineAppConfig } from './define-app-config';

/** The reporter service's config. Add an app-specific section as one more line (see ../sections). */
export const reporterConfigSchema = defineAppConfig({
  kafka: kafkaSectionSchema,
  influx: influxSectionSchema,
  http: httpSectionSchema(DEFAULT_HTTP_PORTS.reporter),
  log: logSectionSchema,
  reporter: reporterSectionSchema,
});

export type ReporterConfig = z.infer<typeof reporterConfigSchema>;
