import { z } from 'zod';
import { DEFAULT_HTTP_PORTS } from '../defaults';

const serviceUrl = (port: number) =>
  z
    .url({ protocol: /^https?$/ })
    .default(`http://127.0.0.1:${port}`)
    .describe('an http(s) base URL of the service');

/** Where the CLI finds the four services' HTTP endpoints. */
export const servicesSectionSchema = z
  .object({
    collector: serviceUrl(DEFAULT_HTTP_PORTS.collector),
    baseline: serviceUrl(DEFAULT_HTTP_PORTS.baseline),
    anomaly: serviceUrl(DEFAULT_HTTP_PORTS.anomaly),
    reporter: serviceUrl(DEFAULT_HTTP_PORTS.reporter),
  })
  .strict();

export type ServicesSection = z.infer<typeof servicesSectionSchema>;
