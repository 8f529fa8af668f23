import type { z } from 'zod';
import { DEFAULT_HTTP_PORTS } from '../defaults';
import {
  alertingSectionSchema,
  baselineSectionSchema,
  healthSectionSchema,
  httpSectionSchema,
  influxSectionSchema,
  kafkaSectionSchema,
  limitsSectionSchema,
  logSectionSchema,
  reporterSectionSchema,
} from '../sections';
import { defineAppConfig } from './define-app-config';

/** The baseline service's config. Add an app-specific section as one more line (see ../sections). */
export const baselineConfigSchema = defineAppConfig({
  kafka: kafkaSectionSchema,
  influx: influxSectionSchema,
  http: httpSectionSchema(DEFAULT_HTTP_PORTS.baseline),
  log: logSectionSchema,
  baseline: baselineSectionSchema,
  alerting: alertingSectionSchema,
  limits: limitsSectionSchema,
  health: healthSectionSchema,
  /**
   * Only the reporter's `limits` (the rest of the section is the reporter's to validate): a series they match keeps a
   * trend summary, the state the reporter's projections read.
   */
  reporter: reporterSectionSchema.pick({ limits: true }).loose(),
});

export type BaselineConfig = z.infer<typeof baselineConfigSchema>;
