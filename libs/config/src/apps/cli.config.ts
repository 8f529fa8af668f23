import type { z } from 'zod';
import { influxSectionSchema, kafkaSectionSchema, logSectionSchema, servicesSectionSchema } from '../sections';
import { defineAppConfig } from './define-app-config';

/** The `tideline` command's config. */
export const cliConfigSchema = defineAppConfig({
  kafka: kafkaSectionSchema,
  influx: influxSectionSchema,
  log: logSectionSchema,
  services: servicesSectionSchema,
});

export type CliConfig = z.infer<typeof cliConfigSchema>;
