import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 keeps every broker connection in a 1 ms timer loop once it has answered one request: its request
 * queue reschedules `checkPendingRequests` with `throttledUntil - Date.now()`, which is negative while nothing is
 * throttled, and Node runs a negative timeout after 1 ms (kafkajs issues #1556, #1704; Node 24 also prints
 * `TimeoutNegativeWarning`, #1751). An idle collector spent about 3 % of a core on that loop and on the garbage
 * it makes, roughly 30 times what collecting costs (measured with `tideline bench collector`).
 *
 * The fix is the one proposed upstream (tulios/kafkajs PR #1768 review): with nothing pending and no throttle there
 * is nothing to check, so schedule nothing; a new request or a response checks the queue again anyway. It is applied
 * to the prototype, so it covers every connection of the process, and only when the installed kafkajs still has the
 * faulty code. {@link createKafka} applies it, so every service and tool that builds its client here gets it.
 */
export function applyKafkajsIdleLoopFix(): 'applied' | 'already-applied' | 'not-needed' {
  const RequestQueue = loadRequestQueue();
  if (!RequestQueue) return 'not-needed';
  const prototype = RequestQueue.prototype;
  if ((prototype as { [FIXED]?: boolean })[FIXED]) return 'already-applied';
  const original = prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function' || !original.toString().includes('this.throttledUntil - Date.now()')) {
    return 'not-needed';
  }
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueState): void {
    let scheduleAt = this.throttledUntil - Date.now();
    if (this.throttleCheckTimeoutId) return;
    if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    else if (scheduleAt <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  };
  (prototype as { [FIXED]?: boolean })[FIXED] = true;
  return 'applied';
}

/** kafkajs' own interval for re-checking a queue that has pending requests. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
const FIXED = Symbol.for('tideline.kafkajs-idle-loop-fix');

interface RequestQueueState {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
}

type RequestQueueClass = { prototype: RequestQueueState & { scheduleCheckPendingRequests(): void } };

function loadRequestQueue(): RequestQueueClass | undefined {
  try {
    // kafkajs has no "exports" map: its internal modules can be loaded by path.
    const load = createRequire(__filename);
    const { version } = load('kafkajs/package.json') as { version: string };
    if (version !== '2.2.4') return undefined;
    return load('kafkajs/src/network/requestQueue') as RequestQueueClass;
  } catch {
    return undefined;
  }
}
