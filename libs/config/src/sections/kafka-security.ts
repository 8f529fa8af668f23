import { accessSync, constants } from 'node:fs';
import { z } from 'zod';

/** SASL mechanisms Tideline's Kafka clients (kafkajs) can authenticate with. */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

const pemFile = (what: string) =>
  z
    .string()
    .min(1)
    .refine(isReadableFile, 'cannot be read')
    .optional()
    .describe(`the path of a readable PEM file: ${what}`);

const sslObjectSchema = z
  .object({
    /** CA certificates to trust instead of the system's (a private CA, a self-signed broker certificate). */
    ca: pemFile("the CA certificate(s) that signed the brokers' certificates"),
    /** Client certificate and key for mutual TLS (`ssl.client.auth=required` on the broker). */
    cert: pemFile('the client certificate (mutual TLS; give key too)'),
    key: pemFile('the private key of cert (mutual TLS)'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe("true (verify the brokers' certificates and host names) or false (tests only)"),
  })
  .strict()
  .refine((ssl) => (ssl.cert === undefined) === (ssl.key === undefined), {
    message: 'cert and key go together',
    path: ['key'],
  });

/**
 * `kafka.ssl`: `true` (TLS, trusting the system's CAs), a mapping with PEM file paths, or absent/`false` (plaintext).
 * `true` becomes `{ rejectUnauthorized: true }`, so code only ever sees the mapping or undefined.
 */
export const kafkaSslSchema = z
  .preprocess((value) => {
    const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
    if (value === true || text === 'true') return {};
    if (value === false || text === 'false') return undefined;
    return value;
  }, sslObjectSchema.optional())
  .describe('true, false, or a mapping of ca, cert, key (PEM file paths) and rejectUnauthorized');

export type KafkaSsl = z.infer<typeof sslObjectSchema>;

/** `kafka.sasl`: who the client is. Without it the client does not authenticate. */
export const kafkaSaslSchema = z
  .object({
    mechanism: z
      .enum(KAFKA_SASL_MECHANISMS)
      .describe(`one of ${KAFKA_SASL_MECHANISMS.join(', ')} (plain only together with kafka.ssl)`),
    username: z.string().min(1).describe('the SASL user name (the principal User:<username> in ACLs)'),
    password: z.string().min(1).describe('the SASL password'),
  })
  .strict()
  .optional()
  .describe('a mapping of mechanism, username and password');

export type KafkaSasl = z.infer<typeof kafkaSaslSchema>;

/** SASL/PLAIN sends the password as it is: refused unless the connection is TLS. */
export function checkKafkaSecurity(
  section: { readonly ssl?: KafkaSsl | undefined; readonly sasl?: KafkaSasl | undefined },
  context: z.core.$RefinementCtx,
): void {
  if (section.sasl?.mechanism === 'plain' && section.ssl === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['sasl', 'mechanism'],
      input: section.sasl.mechanism,
      message: 'plain sends the password unencrypted: set kafka.ssl too, or use scram-sha-256/512',
    });
  }
}
