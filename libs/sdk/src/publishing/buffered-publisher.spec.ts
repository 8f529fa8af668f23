import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferedPublisher, type EncodedRecord, type RecordSink } from './buffered-publisher';

/** A sink that fails while `down` is true and records what it accepted. */
class FakeSink implements RecordSink {
  down = false;
  readonly accepted: EncodedRecord[] = [];
  readonly batchSizes: number[] = [];
  attempts = 0;
  async send(records: readonly EncodedRecord[]): Promise<void> {
    this.attempts++;
    await Promise.resolve();
    if (this.down) throw Object.assign(new Error('broker unreachable'), { retriable: true });
    this.accepted.push(...records);
    this.batchSizes.push(records.length);
  }
}

/** Scheduled retries run only when the test says so. */
function manualSchedule() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    schedule: (fn: () => void, ms: number) => {
      const entry = { fn, ms };
      pending.push(entry);
      return () => pending.splice(pending.indexOf(entry), 1);
    },
    runNext: () => pending.shift()?.fn(),
  };
}

const records = (from: number, count: number): EncodedRecord[] =>
  Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % 3}`, value: String(from + i) }));

describe('BufferedPublisher', () => {
  it('sends records in publish order, in batches of at most maxBatchRecords', async () => {
    const sink = new FakeSink();
    const publisher = new BufferedPublisher(sink, { maxBufferedRecords: 100, maxBatchRecords: 4 });
    publisher.publish(records(0, 10));
    assert.equal(await publisher.flush(), true);
    assert.deepEqual(
      sink.accepted.map((r) => r.value),
      records(0, 10).map((r) => r.value),
    );
    assert.ok(sink.batchSizes.every((size) => size <= 4));
    assert.deepEqual(publisher.stats(), { buffered: 0, published: 10, dropped: 0, sendFailures: 0, healthy: true });
  });

  it('keeps records while the sink fails and replays all of them in order when it recovers', async () => {
    const sink = new FakeSink();
    const time = manualSchedule();
    const errors: number[] = [];
    const publisher = new BufferedPublisher(sink, {
      maxBufferedRecords: 1000,
      maxBatchRecords: 7,
      schedule: time.schedule,
      random: () => 0.5,
      onSendError: (_error, info) => errors.push(info.delayMs),
    });
    sink.down = true;
    for (let tick = 0; tick < 5; tick++) {
      publisher.publish(records(tick * 20, 20));
      await publisher.flush();
    }
    assert.equal(sink.accepted.length, 0);
    assert.equal(publisher.stats().buffered, 100);
    assert.equal(publisher.stats().healthy, false);
    assert.deepEqual(errors.slice(0, 3), [500, 1000, 2000], 'backoff doubles from 500 ms (jitter at its midpoint)');

    sink.down = false;
    time.runNext();
    assert.equal(await publisher.flush(), true);
    assert.deepEqual(
      sink.accepted.map((r) => r.value),
      records(0, 100).map((r) => r.value),
      'every record arrives once, in the original order',
    );
    assert.equal(publisher.stats().dropped, 0);
    assert.equal(publisher.stats().healthy, true);
  });

  it('does not hammer a failing sink: publishing during the backoff only buffers', async () => {
    const sink = new FakeSink();
    const time = manualSchedule();
    const publisher = new BufferedPublisher(sink, {
      maxBufferedRecords: 100,
      maxBatchRecords: 10,
      schedule: time.schedule,
    });
    sink.down = true;
    publisher.publish(records(0, 1));
    await new Promise((resolve) => setImmediate(resolve));
    const attempts = sink.attempts;
    publisher.publish(records(1, 1));
    publisher.publish(records(2, 1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sink.attempts, attempts);
    assert.equal(time.pending.length, 1);
  });

  it('drops the oldest records past the bound, counts them, and delivers the newest in order', async () => {
    const sink = new FakeSink();
    const dropped: number[] = [];
    const publisher = new BufferedPublisher(sink, {
      maxBufferedRecords: 25,
      maxBatchRecords: 10,
      schedule: manualSchedule().schedule,
      onDropped: (count) => dropped.push(count),
    });
    sink.down = true;
    publisher.publish(records(0, 20));
    await publisher.flush();
    publisher.publish(records(20, 20));
    sink.down = false;
    assert.equal(await publisher.flush(), true);
    assert.equal(publisher.stats().dropped, 15);
    assert.equal(
      dropped.reduce((a, b) => a + b, 0),
      15,
    );
    assert.deepEqual(
      sink.accepted.map((r) => r.value),
      records(15, 25).map((r) => r.value),
    );
  });

  it('close makes a last attempt, then stops retrying and closes the sink', async () => {
    let closed = false;
    const sink = Object.assign(new FakeSink(), {
      close: async () => {
        closed = true;
      },
    });
    const time = manualSchedule();
    const publisher = new BufferedPublisher(sink, {
      maxBufferedRecords: 10,
      maxBatchRecords: 10,
      schedule: time.schedule,
    });
    sink.down = true;
    publisher.publish(records(0, 3));
    await publisher.close(1000);
    assert.equal(closed, true);
    assert.equal(time.pending.length, 0);
    assert.equal(publisher.stats().buffered, 3);
  });
});
