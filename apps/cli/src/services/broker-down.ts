/** kafkajs errors that mean no broker answered (down, wrong port, unknown host), whatever wraps them. */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

/**
 * The one line a command ends with when Kafka does not answer, saying what to run, instead of kafkajs' retries and
 * stack; undefined for any other error. kafkajs wraps the connection error (`KafkaJSNumberOfRetriesExceeded`,
 * `KafkaJSNonRetriableError`) in `cause` or `originalError`.
 *
 * @example brokerDownMessage(error, ['127.0.0.1:19092'])
 * // 'no Kafka broker answers at 127.0.0.1:19092 (ECONNREFUSED); run `npx tideline status` to see what is running'
 */
export function brokerDownMessage(error: unknown, brokers: readonly string[]): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e);) {
    seen.add(e);
    if (UNREACHABLE.has(e.name)) {
      const code = (e as { code?: unknown }).code;
      const detail =
        typeof code === 'string' ? code : e.message.replace(/^Connection error: /, '').replace(/^connect /, '');
      return (
        `no Kafka broker answers at ${brokers.join(', ')} (${detail}); ` +
        'run `npx tideline status` to see what is running'
      );
    }
    const next = e as { cause?: unknown; originalError?: unknown };
    e = next.cause ?? next.originalError;
  }
  return undefined;
}
