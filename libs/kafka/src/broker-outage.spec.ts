import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { BatchHandlerError, isBrokerOutage } from './batch-consumer';

describe('isBrokerOutage (a crashed consumer starts again only when brokers did not answer)', () => {
  it('is true for what kafkajs throws after a broker restart outlasted its retries', () => {
    // seen after `stack down kafka` / `stack up kafka`: the consumer crashed for good with this error
    assert.equal(isBrokerOutage(new KafkaJSNonRetriableError('Failed to find group coordinator')), true);
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092');
    assert.equal(isBrokerOutage(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 3000 })), true);
  });

  it('is false for a handler that failed, however kafkajs wrapped it, and for other errors', () => {
    // the handler's own failure (here while producing) was already retried by the batch policy: it stays a crash
    const handler = new BatchHandlerError(
      'tideline.metrics.v1',
      0,
      '41',
      new KafkaJSConnectionError('Connection error'),
    );
    assert.equal(isBrokerOutage(handler), false);
    assert.equal(
      isBrokerOutage(new KafkaJSNumberOfRetriesExceeded(handler, { retryCount: 5, retryTime: 3000 })),
      false,
    );
    assert.equal(isBrokerOutage(new TypeError("Cannot read properties of undefined (reading 'x')")), false);
    assert.equal(isBrokerOutage('a string'), false);
  });
});
