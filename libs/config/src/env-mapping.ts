/**
 * Environment variables with a well-known name, and the config key each sets. Everything else is reachable through
 * the generic form `TIDELINE__SECTION__KEY` (upper snake case, e.g. `TIDELINE__INFLUX__TIMEOUT_MS` sets
 * `influx.timeoutMs`). Environment wins over the config file, which wins over defaults.
 */
export const ENV_MAPPING = Object.freeze({
  KAFKA_BROKERS: 'kafka.brokers',
  KAFKA_SSL: 'kafka.ssl',
  KAFKA_SASL_MECHANISM: 'kafka.sasl.mechanism',
  KAFKA_SASL_USERNAME: 'kafka.sasl.username',
  KAFKA_SASL_PASSWORD: 'kafka.sasl.password',
  INFLUX_URL: 'influx.url',
  INFLUX_DATABASE: 'influx.database',
  INFLUX_USERNAME: 'influx.username',
  INFLUX_PASSWORD: 'influx.password',
  HTTP_PORT: 'http.port',
  HTTP_AUTH_TOKEN: 'http.auth.token',
  LOG_LEVEL: 'log.level',
} as const);

export const GENERIC_ENV_PREFIX = 'TIDELINE__';

/** `TIDELINE__INFLUX__TIMEOUT_MS` → `['influx', 'timeoutMs']`; undefined for other names. */
export function genericEnvKeyPath(variable: string): string[] | undefined {
  if (!variable.startsWith(GENERIC_ENV_PREFIX)) return undefined;
  const parts = variable.slice(GENERIC_ENV_PREFIX.length).split('__');
  if (parts.length < 2 || parts.some((part) => part.length === 0)) return undefined;
  return parts.map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/** `['influx', 'timeoutMs']` → `TIDELINE__INFLUX__TIMEOUT_MS`. */
export function genericEnvVariable(path: readonly string[]): string {
  return GENERIC_ENV_PREFIX + path.map((part) => part.replace(/([A-Z])/g, '_$1').toUpperCase()).join('__');
}
