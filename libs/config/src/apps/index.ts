import type { z } from 'zod';
import type { AppName } from '../defaults';
import { anomalyConfigSchema } from './anomaly.config';
import { baselineConfigSchema } from './baseline.config';
import { cliConfigSchema } from './cli.config';
import { collectorConfigSchema } from './collector.config';
import { reporterConfigSchema } from './reporter.config';

export * from './define-app-config';
export * from './collector.config';
export * from './baseline.config';
export * from './anomaly.config';
export * from './reporter.config';
export * from './cli.config';

/** The one config schema of each app. */
export const APP_CONFIG_SCHEMAS = {
  collector: collectorConfigSchema,
  baseline: baselineConfigSchema,
  anomaly: anomalyConfigSchema,
  reporter: reporterConfigSchema,
  cli: cliConfigSchema,
} as const satisfies Record<AppName, z.ZodObject>;

export type AppConfig<A extends AppName> = z.infer<(typeof APP_CONFIG_SCHEMAS)[A]>;
