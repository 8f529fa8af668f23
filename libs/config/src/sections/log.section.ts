import { z } from 'zod';
import { DEFAULTS } from '../defaults';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logSectionSchema = z
  .object({
    level: z
      .enum(LOG_LEVELS)
      .default(DEFAULTS.log.level)
      .describe(`one of ${LOG_LEVELS.join(', ')}`),
  })
  .strict();

export type LogSection = z.infer<typeof logSectionSchema>;
