import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { type KafkaSection, redactSecrets } from '@tideline/config';
import { type logCreator, logLevel, type SASLOptions } from 'kafkajs';

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

/**
 * kafkajs' own console logger (one JSON object a line, the same fields), except that the SASL password and any URL
 * credentials never appear in a line.
 */
export function redactingLogCreator(secrets: readonly string[]): logCreator {
  return () =>
    ({ namespace, level, label, log }) => {
      const prefix = namespace ? `[${namespace}] ` : '';
      const line = redactSecrets(JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}` }), secrets);
      if (level === logLevel.ERROR) console.error(line);
      else if (level === logLevel.WARN) console.warn(line);
      else if (level === logLevel.INFO) console.info(line);
      else console.log(line);
    };
}
