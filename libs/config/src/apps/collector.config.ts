import type { z } from 'zod';
import { DEFAULT_HTTP_PORTS } from '../defaults';
import {
  collectorSectionSchema,
  httpSectionSchema,
  influxSectionSchema,
  kafkaSectionSchema,
  logSectionSchema,
} from '../sections';
import { defineAppConfig } from './define-app-config';

/** The collector service's config. Add an app-specific section as one more line (see ../sections). */
export const collectorConfigSchema = defineAppConfig({
  kafka: kafkaSectionSchema,
  influx: influxSectionSchema,
  http: httpSectionSchema(DEFAULT_HTTP_PORTS.collector),
  log: logSectionSchema,
  collector: collectorSectionSchema,
});

export type CollectorConfig = z.infer<typeof collectorConfigSchema>;
