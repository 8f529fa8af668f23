import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectEventually } from './expect-eventually';
import { makeAlertEvent, makeBaselinePoint, makeMetricEvent, makeMetricEvents } from './fixtures';
import { stackFromEnv } from './stack-env';
import { uniqueDatabase, uniqueGroup, uniqueName, uniqueTopic } from './unique-names';
import {
  baselineRecordOf,
  decodeBaselineRecord,
  encodeEvent,
  parseAlertEvent,
  parseMetricEvent,
} from '@tideline/contracts';

describe('expectEventually', () => {
  it('returns the value once the condition stops throwing', async () => {
    let calls = 0;
    const value = await expectEventually(
      () => {
        if (++calls < 3) throw new Error('not yet');
        return 'ready';
      },
      { intervalMs: 1 },
    );
    assert.equal(value, 'ready');
    assert.equal(calls, 3);
  });

  it('times out with the last failure in the message and as the cause', async () => {
    const last = new Error('still 3 of 5');
    await assert.rejects(
      expectEventually(
        () => {
          throw last;
        },
        { timeoutMs: 30, intervalMs: 5, message: 'records consumed' },
      ),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(
          error.message,
          /^records consumed: condition not met within 30 ms \(\d+ attempts\); last failure: still 3 of 5$/,
        );
        assert.equal(error.cause, last);
        return true;
      },
    );
  });

  it('awaits async conditions', async () => {
    const started = Date.now();
    await expectEventually(async () => assert.ok(Date.now() - started >= 20), { intervalMs: 5 });
  });
});

describe('unique names', () => {
  it('are unique and legal for Kafka topics, groups and InfluxDB databases', () => {
    const topics = new Set(Array.from({ length: 200 }, () => uniqueTopic('my topic/x')));
    assert.equal(topics.size, 200);
    for (const topic of topics) assert.match(topic, /^test\.my_topic_x\.[0-9a-f]{8}$/);
    assert.match(uniqueGroup('g'), /^test-g-[0-9a-f]{8}$/);
    assert.match(uniqueDatabase('my-db'), /^test_my_db_[0-9a-f]{8}$/);
    assert.match(uniqueName(), /^test-[0-9a-f]{8}$/);
  });
});

describe('stackFromEnv', () => {
  it('reads KAFKA_BROKERS and INFLUX_URL, falling back to the local stack defaults', () => {
    assert.deepEqual(stackFromEnv({}), { kafkaBrokers: ['127.0.0.1:19092'], influxUrl: 'http://127.0.0.1:18086' });
    assert.deepEqual(stackFromEnv({ KAFKA_BROKERS: 'a:1, b:2,', INFLUX_URL: 'http://x:1' }), {
      kafkaBrokers: ['a:1', 'b:2'],
      influxUrl: 'http://x:1',
    });
    assert.deepEqual(stackFromEnv({ KAFKA_BROKERS: ' ', INFLUX_URL: '' }).kafkaBrokers, ['127.0.0.1:19092']);
  });
});

describe('fixtures', () => {
  it('are valid events by the contracts', () => {
    assert.doesNotThrow(() => parseMetricEvent(makeMetricEvent()));
    assert.doesNotThrow(() => parseAlertEvent(makeAlertEvent()));
    assert.equal(decodeBaselineRecord(encodeEvent(baselineRecordOf([makeBaselinePoint()]))).ok, true);
    for (const event of makeMetricEvents(50)) parseMetricEvent(event);
  });

  it('makeMetricEvents spaces events by stepMs with values from valueAt', () => {
    const events = makeMetricEvents(3, {
      startMs: 1000,
      stepMs: 10,
      valueAt: (i) => i * i,
      template: { host: 'db-1' },
    });
    assert.deepEqual(
      events.map((e) => [e.ts, e.value, e.host]),
      [
        [1000, 0, 'db-1'],
        [1010, 1, 'db-1'],
        [1020, 4, 'db-1'],
      ],
    );
  });
});
