import { z } from 'zod';

/** Whether an interface address is loopback only (127.0.0.0/8, ::1, localhost): nothing off the machine reaches it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * Credentials every HTTP request except `/health` must carry: `Authorization: Bearer <token>`, or basic auth with
 * username and password (browsers prompt for it, e.g. on the reporter's dashboard). Either or both.
 */
const httpAuthSchema = z
  .object({
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('a bearer token of 16 or more characters'),
    username: z.string().min(1).optional().describe('a basic-auth user name (give password too)'),
    password: z
      .string()
      .min(8, 'must be at least 8 characters')
      .optional()
      .describe('a basic-auth password of 8 or more characters'),
  })
  .strict()
  .refine((auth) => auth.token !== undefined || auth.username !== undefined, {
    message: 'give token, or username and password',
    path: ['token'],
  })
  .refine((auth) => (auth.username === undefined) === (auth.password === undefined), {
    message: 'username and password go together',
    path: ['password'],
  });

export type HttpAuth = z.infer<typeof httpAuthSchema>;

/** The service's own HTTP server (`/health`, `/metrics`, the reporter's pages); each app passes its default port. */
export function httpSectionSchema(defaultPort: number) {
  return z
    .object({
      host: z.string().min(1).default('127.0.0.1').describe('an interface address such as 127.0.0.1 or 0.0.0.0'),
      port: z.number().int().min(1).max(65535).default(defaultPort).describe('an integer port 1-65535'),
      auth: httpAuthSchema
        .optional()
        .describe(
          'a mapping with token (bearer) and/or username and password (basic); required when http.host is not loopback, unless http.allowUnauthenticated is true',
        ),
      /** Serve every endpoint without credentials on a non-loopback address (behind a proxy that authenticates). */
      allowUnauthenticated: z
        .boolean()
        .default(false)
        .describe('true (serve without credentials beyond loopback) or false'),
    })
    .strict()
    .superRefine((http, context) => {
      if (http.auth === undefined && !http.allowUnauthenticated && !isLoopbackHost(http.host)) {
        context.addIssue({
          code: 'custom',
          path: ['auth'],
          input: undefined,
          message: `http.host ${http.host} is reachable from other machines`,
        });
      }
    });
}

export type HttpSection = z.infer<ReturnType<typeof httpSectionSchema>>;
