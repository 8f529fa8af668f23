import { TidelineError } from '@tideline/errors';

/** Where a config value came from, so an error can point the user at the right place. */
export type ConfigSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly variable: string };

/**
 * A config value that does not validate (or a config file that cannot be read). The message names the key as the
 * user wrote it (`kafka.brokers`, or env `KAFKA_BROKERS`) and what is allowed. Never retriable.
 */
export class ConfigError extends TidelineError {
  constructor(
    message: string,
    /** Dotted key without list indexes, e.g. `kafka.brokers`, `alerting.rules.sensitivity` (the message has them). */
    readonly key: string,
    readonly source: ConfigSource | undefined,
    /** Human description of the allowed values. */
    readonly allowed: string | undefined,
  ) {
    super(message, { retriable: false, code: 'config_invalid' });
  }
}
