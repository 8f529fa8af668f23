import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaSection } from '@tideline/config';
import type { SASLOptions } from 'kafkajs';

/** The TLS and SASL parts of a kafkajs client config. */
export interface KafkajsSecurity {
  readonly ssl?: ConnectionOptions;
  readonly sasl?: SASLOptions;
}

/**
 * kafkajs' `ssl` and `sasl` options from the `kafka` config section: PEM files are read here (the config checked at
 * start-up that they can be), so a rotated certificate is picked up by the next client created. Nothing when the
 * section has neither.
 */
export function kafkajsSecurity(section: Partial<Pick<KafkaSection, 'ssl' | 'sasl'>>): KafkajsSecurity {
  const { ssl, sasl } = section;
  return {
    ...(ssl
      ? {
          ssl: {
            rejectUnauthorized: ssl.rejectUnauthorized,
            ...(ssl.ca !== undefined ? { ca: [readFileSync(ssl.ca, 'utf8')] } : {}),
            ...(ssl.cert !== undefined ? { cert: readFileSync(ssl.cert, 'utf8') } : {}),
            ...(ssl.key !== undefined ? { key: readFileSync(ssl.key, 'utf8') } : {}),
          },
        }
      : {}),
    ...(sasl
      ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions }
      : {}),
  };
}
