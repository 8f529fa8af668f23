import type { z } from 'zod';
import { DEFAULT_HTTP_PORTS } from '../defaults';
import {
  alertingSectionSchema,
  anomalySectionSchema,
  healthSectionSchema,
  httpSectionSchema,
  influxSectionSchema,
  kafkaSectionSchema,
  limitsSectionSchema,
  logSectionSchema,
} from '../sections';
import { defineAppConfig } from './define-app-config';

/** The anomaly service's config. Add an app-specific section as one more line (see ../sections). */
export const anomalyConfigSchema = defineAppConfig({
  kafka: kafkaSectionSchema,
  influx: influxSectionSchema,
  http: httpSectionSchema(DEFAULT_HTTP_PORTS.anomaly),
  log: logSectionSchema,
  anomaly: anomalySectionSchema,
  alerting: alertingSectionSchema,
  limits: limitsSectionSchema,
  health: healthSectionSchema,
});

export type AnomalyConfig = z.infer<typeof anomalyConfigSchema>;
