import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { applyKafkajsIdleLoopFix } from './kafkajs-idle-loop.fix';

const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as {
  prototype: { scheduleCheckPendingRequests(this: unknown): void };
};

function queueState(pending: unknown[], throttledUntil = -1) {
  const state = {
    throttledUntil,
    throttleCheckTimeoutId: null as NodeJS.Timeout | null,
    pending,
    checks: 0,
    checkPendingRequests() {
      state.checks++;
    },
  };
  return state;
}

describe('applyKafkajsIdleLoopFix', () => {
  it('stops an idle, unthrottled request queue from rescheduling itself every millisecond', () => {
    assert.match(applyKafkajsIdleLoopFix(), /^(applied|already-applied)$/);
    assert.equal(applyKafkajsIdleLoopFix(), 'already-applied');
    const idle = queueState([]);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(idle);
    assert.equal(idle.throttleCheckTimeoutId, null, 'nothing pending, not throttled: no timer');
  });

  it('still re-checks a queue with pending requests, and a throttled one when the throttle ends', async () => {
    applyKafkajsIdleLoopFix();
    const busy = queueState([{}]);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(busy);
    assert.notEqual(busy.throttleCheckTimeoutId, null);
    const throttled = queueState([], Date.now() + 20);
    RequestQueue.prototype.scheduleCheckPendingRequests.call(throttled);
    assert.notEqual(throttled.throttleCheckTimeoutId, null);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(busy.checks, 1);
    assert.equal(throttled.checks, 1);
  });
});
