import { z } from 'zod';

/** The service's own HTTP server (`/health`, `/metrics`); each app passes its default port. */
export function httpSectionSchema(defaultPort: number) {
  return z
    .object({
      host: z.string().min(1).default('127.0.0.1').describe('an interface address such as 127.0.0.1 or 0.0.0.0'),
      port: z.number().int().min(1).max(65535).default(defaultPort).describe('an integer port 1-65535'),
    })
    .strict();
}

export type HttpSection = z.infer<ReturnType<typeof httpSectionSchema>>;
