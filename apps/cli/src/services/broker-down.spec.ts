import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerDownMessage } from './broker-down';

/** A kafkajs-shaped error: its class name and code, wrapped as kafkajs wraps it after its retries. */
function kafkajsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('brokerDownMessage', () => {
  it('turns a refused connection, behind kafkajs retries, into one line saying what to run', () => {
    const refused = kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1', {
      code: 'ECONNREFUSED',
    });
    const afterRetries = kafkajsError('KafkaJSNumberOfRetriesExceeded', refused.message, { cause: refused });
    assert.equal(
      brokerDownMessage(afterRetries, ['127.0.0.1:1']),
      'no Kafka broker answers at 127.0.0.1:1 (ECONNREFUSED); run `npx tideline status` to see what is running',
    );
  });

  it('names an unknown host from the message when there is no code', () => {
    const unknown = kafkajsError('KafkaJSConnectionError', 'Connection error: getaddrinfo ENOTFOUND kafka.invalid');
    const wrapped = kafkajsError('KafkaJSNonRetriableError', unknown.message, { originalError: unknown });
    assert.match(brokerDownMessage(wrapped, ['kafka.invalid:9092']) ?? '', /\(getaddrinfo ENOTFOUND kafka\.invalid\)/);
  });

  it('leaves every other error alone', () => {
    assert.equal(brokerDownMessage(new Error('topic does not exist'), ['b:1']), undefined);
    assert.equal(brokerDownMessage('not an error', ['b:1']), undefined);
  });
});
