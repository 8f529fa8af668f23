import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectEventually } from '@tideline/testing';
import { BatchWriter, type BatchWriterOptions, type BatchWriterStats } from './batch-writer';
import { InfluxClient, type WriteOptions } from './influx-client';
import { InfluxError } from './influx-errors';
import { LineBytes, type LineChunk } from './line-bytes';

/** An InfluxClient double: records batches; can be "down" (retriable) or refuse (not retriable). */
class FakeClient extends InfluxClient {
  batches: string[][] = [];
  attempts = 0;
  down = false;
  refuseNext = 0;
  constructor() {
    super({ url: 'http://fake:8086', database: 'db' });
  }
  override writeChunks(chunks: readonly LineChunk[], options: WriteOptions = {}): Promise<void> {
    return this.writeLines(
      chunks.flatMap((chunk) => chunk.toLines()),
      options,
    );
  }
  override async writeLines(lines: readonly string[], _options: WriteOptions = {}): Promise<void> {
    this.attempts++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down) throw new InfluxError('connection refused', { retriable: true, code: 'influx_unavailable' });
    if (this.refuseNext > 0) {
      this.refuseNext--;
      throw new InfluxError('partial write: field type conflict', { retriable: false, code: 'influx_request_refused' });
    }
    this.batches.push([...lines]);
  }
  written(): string[] {
    return this.batches.flat();
  }
}

const fast: BatchWriterOptions['retry'] = { initialDelayMs: 1, maxDelayMs: 5 };
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `m v=${from + i}`);

function assertBalanced(stats: BatchWriterStats): void {
  assert.equal(stats.accepted, stats.written + stats.dropped + stats.rejected + stats.pending, JSON.stringify(stats));
}

/** Batches of 4, room for 10 points, the default drop-oldest; `drops` collects each drop's count. */
function dropOldestWriter(): { client: FakeClient; drops: number[]; writer: BatchWriter } {
  const client = new FakeClient();
  const drops: number[] = [];
  const writer = new BatchWriter(client, {
    maxBatchPoints: 4,
    maxBufferedPoints: 10,
    retry: fast,
    hooks: { onDrop: (info) => drops.push(info.points) },
  });
  return { client, drops, writer };
}

/** An InfluxClient double whose writes wait until the test lets them finish; counts the writes in flight. */
class GatedClient extends InfluxClient {
  readonly calls: { lines: string[]; finish: () => void }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Finish every write at once (after a turn of the event loop), as a server would. */
  open = false;
  constructor() {
    super({ url: 'http://fake:8086', database: 'db' });
  }
  override writeChunks(chunks: readonly LineChunk[], _options: WriteOptions = {}): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<void>((resolve) => {
      const finish = () => {
        this.inFlight--;
        resolve();
      };
      this.calls.push({ lines: chunks.flatMap((chunk) => chunk.toLines()), finish });
      if (this.open) setImmediate(finish);
    });
  }
}

const settled = (promise: Promise<void>) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30))]);
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchWriter', () => {
  it('writes full batches at once and the rest on flush, in order', async () => {
    const client = new FakeClient();
    const writer = new BatchWriter(client, { maxBatchPoints: 3, flushIntervalMs: 60_000 });
    writer.writeLines(lines(0, 7));
    await writer.flush();
    assert.deepEqual(
      client.batches.map((b) => b.length),
      [3, 3, 1],
    );
    assert.deepEqual(client.written(), lines(0, 7));
    assert.equal(writer.stats().written, 7);
    await writer.close();
  });

  it('flushes a partial batch on its own after flushIntervalMs', async () => {
    const client = new FakeClient();
    const writer = new BatchWriter(client, { maxBatchPoints: 100, flushIntervalMs: 20 });
    writer.write({ measurement: 'm', fields: { v: 1 }, timestampMs: 5 });
    await expectEventually(() => assert.deepEqual(client.written(), ['m v=1 5']), { timeoutMs: 2000, intervalMs: 5 });
    await writer.close();
  });

  it('written() resolves once the lines are stored, written with a full batch or at the interval, not on their own', async () => {
    const client = new FakeClient();
    const writer = new BatchWriter(client, { maxBatchPoints: 4, flushIntervalMs: 60_000 });
    writer.writeLines(lines(0, 2));
    const first = writer.written();
    writer.writeLines(lines(2, 3));
    assert.equal(await settled(first), false, 'waits: no request of their own');
    assert.equal(client.attempts, 0);
    writer.writeLines(lines(3, 4)); // the batch is full: written at once, and with it the lines written() waits for
    assert.equal(await settled(first), true);
    assert.deepEqual(client.batches, [lines(0, 4)]);
    writer.writeLines(lines(4, 5));
    const second = writer.written();
    assert.equal(await settled(second), false);
    await writer.flush();
    assert.equal(await settled(second), true, 'a flush writes them for both');
    assert.deepEqual(client.batches, [lines(0, 4), lines(4, 5)]);
    await writer.close();
    const timed = new BatchWriter(client, { maxBatchPoints: 100, flushIntervalMs: 20 });
    timed.writeLines(lines(5, 6));
    await timed.written(); // at the interval
    assert.deepEqual(client.written(), lines(0, 6));
    await timed.close();
  });

  it('writes one batch at a time unless maxConcurrentBatches allows more', async () => {
    for (const [maxConcurrentBatches, expected] of [
      [undefined, 1],
      [2, 2],
      [3, 3],
    ] as const) {
      const client = new GatedClient();
      client.open = true;
      const writer = new BatchWriter(client, {
        maxBatchPoints: 3,
        flushIntervalMs: 60_000,
        ...(maxConcurrentBatches !== undefined ? { maxConcurrentBatches } : {}),
      });
      writer.writeLines(lines(0, 40));
      await writer.flush();
      assert.equal(client.maxInFlight, expected, `maxConcurrentBatches ${maxConcurrentBatches}`);
      assert.deepEqual(client.calls.flatMap((call) => call.lines).sort(), lines(0, 40).sort(), 'every line once');
      assert.equal(writer.stats().written, 40);
      await writer.close();
    }
  });

  it('batches side by side: full ones only, and written() waits for every earlier line whatever lands first', async () => {
    const client = new GatedClient();
    const writer = new BatchWriter(client, { maxBatchPoints: 3, flushIntervalMs: 60_000, maxConcurrentBatches: 2 });
    writer.writeLines(lines(0, 6));
    const first = writer.written();
    writer.writeLines(lines(6, 7));
    await turn();
    assert.deepEqual(
      client.calls.map((call) => call.lines),
      [lines(0, 3), lines(3, 6)],
      'two full batches at once; the partial one waits',
    );
    writer.writeLines(lines(7, 8));
    const second = writer.written();
    client.calls[1]!.finish(); // the later batch lands first
    assert.equal(await settled(first), false, 'lines 0-2 are not written yet');
    assert.equal(writer.stats().pending, 5);
    client.calls[0]!.finish();
    assert.equal(await settled(first), true);
    assert.equal(await settled(second), false, 'lines 6-7 are not written yet');
    assert.deepEqual(client.calls[2]?.lines, lines(6, 8), 'the rest, one partial batch');
    client.calls[2]!.finish();
    assert.equal(await settled(second), true);
    assert.equal(client.maxInFlight, 2);
    assertBalanced(writer.stats());
    await writer.close();
  });

  it('drainedTo(n) resolves once at most n of the lines buffered before it are unwritten, and writes at once', async () => {
    const client = new GatedClient();
    const writer = new BatchWriter(client, { maxBatchPoints: 3, flushIntervalMs: 60_000 });
    writer.writeLines(lines(0, 10));
    const toFour = writer.drainedTo(4);
    writer.writeLines(lines(10, 20)); // later lines do not count
    await turn();
    client.calls[0]!.finish();
    assert.equal(await settled(toFour), false, '7 of the first 10 are unwritten');
    client.calls[1]!.finish();
    assert.equal(await settled(toFour), true, '4 of the first 10 are unwritten');
    assert.equal(writer.stats().pending, 14);
    assert.equal(await settled(writer.drainedTo(20)), true, 'already there');
    const empty = writer.drainedTo(0);
    while (!(await settled(empty))) client.calls.at(-1)!.finish(); // the partial last batch too, without the timer
    assert.deepEqual(
      client.calls.flatMap((call) => call.lines),
      lines(0, 20),
    );
    await writer.close();
  });

  it('retries while the server is down and loses nothing once it is back', async () => {
    const client = new FakeClient();
    let retries = 0;
    const writer = new BatchWriter(client, {
      maxBatchPoints: 10,
      retry: fast,
      hooks: { onRetry: () => retries++ },
    });
    client.down = true;
    writer.writeLines(lines(0, 25));
    const flushed = writer.flush();
    await expectEventually(() => assert.ok(retries >= 3), { timeoutMs: 2000, intervalMs: 2 });
    assert.equal(client.written().length, 0);
    client.down = false;
    await flushed;
    assert.deepEqual(client.written(), lines(0, 25));
    const stats = writer.stats();
    assert.equal(stats.written, 25);
    assert.equal(stats.dropped, 0);
    assert.ok(stats.retries >= 3);
    assert.match(stats.lastError ?? '', /connection refused/);
    assertBalanced(stats);
    await writer.close();
  });

  it('counts a refused batch as rejected, reports it, and goes on with the next batches', async () => {
    const client = new FakeClient();
    const rejected: number[] = [];
    const writer = new BatchWriter(client, {
      maxBatchPoints: 2,
      hooks: { onRejected: (i) => rejected.push(i.points) },
    });
    client.refuseNext = 1;
    writer.writeLines(lines(0, 5));
    await writer.flush();
    assert.deepEqual(rejected, [2]);
    assert.deepEqual(client.written(), lines(2, 5));
    assert.equal(writer.stats().rejected, 2);
    assert.equal(client.attempts, 3, 'a refused batch is not retried');
    assertBalanced(writer.stats());
    await writer.close();
  });

  it('drop-oldest: a full buffer drops the oldest waiting points, counts them, never the batch in flight', async () => {
    const { client, drops, writer } = dropOldestWriter();
    client.down = true;
    writer.writeLines(lines(0, 4)); // a full batch: goes in flight and keeps failing
    await expectEventually(() => assert.ok(client.attempts >= 1), { timeoutMs: 2000, intervalMs: 2 });
    writer.writeLines(lines(4, 10)); // buffer now 4 in flight + 6 waiting = 10
    writer.writeLines(lines(10, 13)); // 3 over: drops v=4..6
    assert.deepEqual(drops, [3]);
    assertBalanced(writer.stats());
    client.down = false;
    await writer.flush();
    assert.deepEqual(client.written(), [...lines(0, 4), ...lines(7, 13)]);
    assert.equal(writer.stats().dropped, 3);
    assertBalanced(writer.stats());
    await writer.close();
  });

  it('writes chunks of bytes by whole lines: batches across chunks, drop-oldest through several chunks and into the new one', async () => {
    const { client, drops, writer } = dropOldestWriter();
    const bytes = new LineBytes(64);
    const chunk = (from: number, to: number) => {
      for (let v = from; v < to; v++) bytes.text('m v=').integer(v).end();
      return bytes.take();
    };
    client.down = true;
    writer.writeChunk(chunk(0, 5)); // a batch of 4 goes in flight and keeps failing; v=4 waits
    await expectEventually(() => assert.ok(client.attempts >= 1), { timeoutMs: 2000, intervalMs: 2 });
    writer.writeChunk(chunk(5, 7));
    writer.writeChunk(chunk(7, 9)); // 4 in flight + 5 waiting
    writer.writeChunk(chunk(9, 20)); // 10 over: drops v=4..8 waiting and the 5 oldest new ones, v=9..13
    assert.deepEqual(drops, [10]);
    assertBalanced(writer.stats());
    client.down = false;
    await writer.flush();
    assert.deepEqual(client.written(), [...lines(0, 4), ...lines(14, 20)]);
    assert.deepEqual(
      client.batches.map((batch) => batch.length),
      [4, 4, 2],
    );
    assertBalanced(writer.stats());
    await writer.close();
  });

  it('drop-newest: a full buffer refuses the newest points and counts them', async () => {
    const client = new FakeClient();
    const writer = new BatchWriter(client, {
      maxBatchPoints: 4,
      maxBufferedPoints: 10,
      dropPolicy: 'drop-newest',
      retry: fast,
    });
    client.down = true;
    writer.writeLines(lines(0, 4));
    await expectEventually(() => assert.ok(client.attempts >= 1), { timeoutMs: 2000, intervalMs: 2 });
    writer.writeLines(lines(4, 13));
    client.down = false;
    await writer.flush();
    assert.deepEqual(client.written(), lines(0, 10));
    assert.equal(writer.stats().dropped, 3);
    assertBalanced(writer.stats());
    await writer.close();
  });

  it('close() counts what it could not write as dropped, and drops later writes', async () => {
    const client = new FakeClient();
    const reasons: string[] = [];
    const writer = new BatchWriter(client, {
      maxBatchPoints: 5,
      retry: fast,
      hooks: { onDrop: (i) => reasons.push(i.reason) },
    });
    client.down = true;
    writer.writeLines(lines(0, 8));
    await writer.close(50);
    writer.writeLines(lines(8, 9));
    const stats = writer.stats();
    assert.equal(stats.written, 0);
    assert.equal(stats.dropped, 9);
    assert.equal(stats.pending, 0);
    assert.deepEqual(reasons, ['closed', 'closed']);
    assertBalanced(stats);
  });

  it('refuses an invalid point synchronously and buffers nothing of that call', async () => {
    const client = new FakeClient();
    const writer = new BatchWriter(client);
    assert.throws(
      () =>
        writer.write([
          { measurement: 'm', fields: { v: 1 } },
          { measurement: 'm', fields: { v: Number.NaN } },
        ]),
      /finite number/,
    );
    assert.equal(writer.stats().accepted, 0);
    await writer.close();
  });
});
