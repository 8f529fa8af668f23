import { DEFAULTS } from '@tideline/config';

/** Where the servers of the integration tests are. */
export interface StackEndpoints {
  readonly kafkaBrokers: string[];
  readonly influxUrl: string;
}

/**
 * Reads `KAFKA_BROKERS` (comma list) and `INFLUX_URL` from the environment, falling back to the local stack's
 * defaults from `@tideline/config`.
 */
export function stackFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): StackEndpoints {
  const brokers = (env['KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  return {
    kafkaBrokers: brokers.length > 0 ? brokers : [...DEFAULTS.kafka.brokers],
    influxUrl: env['INFLUX_URL']?.trim() || DEFAULTS.influx.url,
  };
}
