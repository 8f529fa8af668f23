import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetriesExhaustedError, createRetry, resolveRetryPolicy, retry, retryDelayMs } from './retry';
import { TidelineError, isRetriable } from './tideline-error';

/** A sleep that records the requested delays and advances a fake clock instead of waiting. */
function fakeTime() {
  const delays: number[] = [];
  let clock = 1_000_000;
  return {
    delays,
    now: () => clock,
    sleep: async (ms: number) => {
      delays.push(ms);
      clock += ms;
    },
  };
}

const transient = () => new TidelineError('broker unreachable', { retriable: true });

describe('TidelineError', () => {
  it('is not retriable unless marked', () => {
    assert.equal(new TidelineError('x').retriable, false);
    assert.equal(new TidelineError('x', { retriable: true }).retriable, true);
    assert.equal(isRetriable(new Error('plain')), false);
    assert.equal(isRetriable({ retriable: true }), true);
    assert.equal(isRetriable(null), false);
  });

  it('uses the subclass name and keeps the cause', () => {
    class BrokerDown extends TidelineError {}
    const cause = new Error('ECONNREFUSED');
    const error = new BrokerDown('down', { cause });
    assert.equal(error.name, 'BrokerDown');
    assert.equal(error.code, 'BrokerDown');
    assert.equal(error.cause, cause);
  });
});

describe('retryDelayMs', () => {
  const policy = resolveRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 });

  it('grows exponentially without jitter at the midpoint (r = 0.5) and caps at maxDelayMs', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, () => 0.5)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });

  it('spreads by ±jitter: r = 0 gives base·(1 - jitter), r → 1 gives base·(1 + jitter)', () => {
    assert.equal(
      retryDelayMs(policy, 1, () => 0),
      100,
    );
    assert.equal(
      retryDelayMs(policy, 1, () => 0.999999),
      300,
    );
    // the cap applies after the jitter
    assert.equal(
      retryDelayMs(policy, 3, () => 0.999999),
      1000,
    );
  });

  it('rejects an invalid policy', () => {
    assert.throws(() => resolveRetryPolicy({ factor: 0.5 }), RangeError);
    assert.throws(() => resolveRetryPolicy({ jitter: 2 }), RangeError);
    assert.throws(() => resolveRetryPolicy({ initialDelayMs: 10, maxDelayMs: 5 }), RangeError);
  });
});

describe('retry', () => {
  it('retries retriable errors with the backoff delays, then returns the result', async () => {
    const time = fakeTime();
    let calls = 0;
    const result = await retry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw transient();
        return `ok after ${attempt}`;
      },
      { policy: { initialDelayMs: 10, maxDelayMs: 1000, factor: 3, jitter: 0 }, sleep: time.sleep, now: time.now },
    );
    assert.equal(result, 'ok after 3');
    assert.equal(calls, 4);
    assert.deepEqual(time.delays, [10, 30, 90]);
  });

  it('does not retry an error that is not marked retriable, and rethrows it unchanged', async () => {
    const time = fakeTime();
    const fatal = new TidelineError('bad request');
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw fatal;
        },
        { sleep: time.sleep },
      ),
      (error) => error === fatal,
    );
    assert.equal(calls, 1);
    assert.deepEqual(time.delays, []);
  });

  it('does not retry a plain Error', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw new Error('plain');
        },
        { sleep: fakeTime().sleep },
      ),
      /plain/,
    );
    assert.equal(calls, 1);
  });

  it('gives up after maxRetries retries with RetriesExhaustedError carrying the last error', async () => {
    const time = fakeTime();
    let calls = 0;
    const last = transient();
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw last;
        },
        { policy: { maxRetries: 2, initialDelayMs: 5, jitter: 0 }, sleep: time.sleep, now: time.now },
      ),
      (error: unknown) => {
        assert.ok(error instanceof RetriesExhaustedError);
        assert.equal(error.attempts, 3);
        assert.equal(error.cause, last);
        assert.equal(error.retriable, false);
        return true;
      },
    );
    assert.equal(calls, 3);
    assert.deepEqual(time.delays, [5, 10]);
  });

  it('gives up when the next attempt would start after the deadline', async () => {
    const time = fakeTime();
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls++;
          throw transient();
        },
        {
          policy: { maxRetries: Infinity, deadlineMs: 1000, initialDelayMs: 100, factor: 2, jitter: 0 },
          sleep: time.sleep,
          now: time.now,
        },
      ),
      RetriesExhaustedError,
    );
    // delays 100 + 200 + 400 = 700 fit in 1000 ms; the next (800) would end at 1500
    assert.deepEqual(time.delays, [100, 200, 400]);
    assert.equal(calls, 4);
  });

  it('reports each retry to onRetry and honours a custom shouldRetry', async () => {
    const seen: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls < 3) throw new Error('flaky');
      },
      {
        shouldRetry: (error) => error instanceof Error && error.message === 'flaky',
        onRetry: (info) => seen.push(info.retry),
        sleep: fakeTime().sleep,
      },
    );
    assert.deepEqual(seen, [1, 2]);
  });

  it('stops when the signal aborts during a sleep', async () => {
    const controller = new AbortController();
    const promise = retry(
      async () => {
        throw transient();
      },
      { policy: { initialDelayMs: 60_000, maxDelayMs: 60_000, maxRetries: 10 }, signal: controller.signal },
    );
    setImmediate(() => controller.abort(new Error('shutting down')));
    await assert.rejects(promise, /shutting down/);
  });

  it('createRetry binds a policy', async () => {
    const time = fakeTime();
    const withRetry = createRetry({ policy: { maxRetries: 1, initialDelayMs: 7, jitter: 0 }, sleep: time.sleep });
    await assert.rejects(
      withRetry(async () => {
        throw transient();
      }),
      RetriesExhaustedError,
    );
    assert.deepEqual(time.delays, [7]);
  });
});
