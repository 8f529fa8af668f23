import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DropOldestQueue } from './drop-oldest-queue';

describe('DropOldestQueue', () => {
  it('hands items out oldest first', () => {
    const queue = new DropOldestQueue<number>(5);
    queue.pushAll([1, 2, 3]);
    assert.deepEqual(queue.take(2), [1, 2]);
    queue.pushAll([4]);
    assert.deepEqual(queue.take(10), [3, 4]);
    assert.equal(queue.length, 0);
  });

  it('drops the oldest items past its capacity and counts them', () => {
    const queue = new DropOldestQueue<number>(3);
    assert.equal(queue.pushAll([1, 2, 3, 4, 5]), 2);
    assert.equal(queue.dropped, 2);
    assert.deepEqual(queue.take(10), [3, 4, 5]);
  });

  it('requeues a taken batch at the head, before items pushed meanwhile', () => {
    const queue = new DropOldestQueue<number>(10);
    queue.pushAll([1, 2, 3, 4]);
    const batch = queue.take(2);
    queue.pushAll([5]);
    assert.equal(queue.requeue(batch), 0);
    assert.deepEqual(queue.take(10), [1, 2, 3, 4, 5]);
  });

  it('drops the oldest of a requeued batch when it no longer fits', () => {
    const queue = new DropOldestQueue<number>(4);
    queue.pushAll([1, 2, 3]);
    const batch = queue.take(3);
    queue.pushAll([4, 5, 6]);
    assert.equal(queue.requeue(batch), 2);
    assert.equal(queue.dropped, 2);
    assert.deepEqual(queue.take(10), [3, 4, 5, 6]);
  });

  it('rejects a capacity below 1', () => {
    assert.throws(() => new DropOldestQueue(0), RangeError);
  });

  // small capacities wrap around often; large ones (past the ring's first 256 slots) grow, wrap and shrink when emptied
  for (const { capacities, maxCount } of [
    { capacities: fc.integer({ min: 1, max: 8 }), maxCount: 7 },
    { capacities: fc.integer({ min: 200, max: 1500 }), maxCount: 400 },
  ])
    it(`behaves like an unbounded array that keeps only the newest \`capacity\` items (any operation sequence, up to ${maxCount} items each)`, () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('push' as const), count: fc.integer({ min: 0, max: maxCount }) }),
        fc.record({ kind: fc.constant('take' as const), count: fc.integer({ min: 0, max: maxCount }) }),
        fc.record({ kind: fc.constant('takeAndRequeue' as const), count: fc.integer({ min: 0, max: maxCount }) }),
      );
      fc.assert(
        fc.property(capacities, fc.array(op, { maxLength: 60 }), (capacity, ops) => {
          const queue = new DropOldestQueue<number>(capacity);
          let model: number[] = [];
          let modelDropped = 0;
          let next = 0;
          for (const { kind, count } of ops) {
            if (kind === 'push') {
              const items = Array.from({ length: count }, () => next++);
              queue.pushAll(items);
              model.push(...items);
              const excess = Math.max(0, model.length - capacity);
              modelDropped += excess;
              model = model.slice(excess);
            } else if (kind === 'take') {
              assert.deepEqual(queue.take(count), model.slice(0, count));
              model = model.slice(count);
            } else {
              const batch = queue.take(count);
              queue.requeue(batch);
            }
            assert.equal(queue.length, model.length);
            assert.equal(queue.dropped, modelDropped);
          }
          assert.deepEqual(queue.take(capacity), model);
        }),
      );
    });
});
