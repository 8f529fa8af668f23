import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PartitionedStore } from './partitioned-store';

describe('PartitionedStore', () => {
  it('keeps a key’s entry across batches that continue each other, and creates it once', () => {
    const store = new PartitionedStore<{ n: number }>();
    let created = 0;
    const create = () => ({ n: ++created });
    store.beginBatch(0, '0');
    store.entry(0, 'a', create).n += 10;
    store.completeBatch(0, '9');
    store.beginBatch(0, '10');
    assert.equal(store.entry(0, 'a', create).n, 11);
    assert.equal(created, 1);
  });

  it('drops a partition’s entries when a batch does not continue the last one (restart, retry, moved partition)', () => {
    const store = new PartitionedStore<string>();
    store.beginBatch(0, '0');
    store.entry(0, 'a', () => 'first');
    store.entry(1, 'b', () => 'other partition');
    store.completeBatch(0, '9');
    store.beginBatch(0, '5'); // redelivery
    assert.equal(store.get('a'), undefined);
    assert.equal(store.get('b'), 'other partition');
    assert.equal(
      store.entry(0, 'a', () => 'reloaded'),
      'reloaded',
    );
  });

  it('forgets what a failed batch touched, and its continuity, so the retry reloads', () => {
    const store = new PartitionedStore<string>();
    store.beginBatch(2, '0');
    store.entry(2, 'a', () => 'x');
    store.completeBatch(2, '0');
    store.beginBatch(2, '1');
    store.abandonBatch(2);
    assert.equal(store.size, 0);
    store.beginBatch(2, '1');
    assert.equal(
      store.entry(2, 'a', () => 'y'),
      'y',
    );
  });

  it('moves a key that arrives on another partition (its old partition no longer drops it)', () => {
    const store = new PartitionedStore<string>();
    store.entry(0, 'a', () => 'on 0');
    assert.equal(
      store.entry(1, 'a', () => 'on 1'),
      'on 1',
    );
    store.dropPartition(0);
    assert.equal(store.get('a'), 'on 1');
    assert.deepEqual([...store.values()], ['on 1']);
  });

  it('runBatch completes a batch whose work resolves and abandons one whose work throws', async () => {
    const store = new PartitionedStore<string>();
    const batch = { partition: 0, firstOffset: '0', lastOffset: '4' };
    await store.runBatch(batch, async () => store.entry(0, 'a', () => 'kept'));
    await store.runBatch({ partition: 0, firstOffset: '5', lastOffset: '9' }, async () => undefined);
    assert.equal(store.get('a'), 'kept', 'a continuing batch keeps the entries');
    await assert.rejects(
      store.runBatch({ partition: 0, firstOffset: '10', lastOffset: '12' }, async () => {
        throw new Error('publish failed');
      }),
      /publish failed/,
    );
    assert.equal(store.get('a'), undefined, 'a failed batch drops what it touched');
  });

  it('evicts entries idle for idleMs through onEvict, oldest first, and reloads them on their next use', () => {
    const evicted: string[] = [];
    const store = new PartitionedStore<{ key: string; n: number }>({
      idleMs: 1000,
      onEvict: (entry, key, reason) => evicted.push(`${key}:${reason}:${entry.n}`),
    });
    store.entry(0, 'a', () => ({ key: 'a', n: 1 }), 0);
    store.entry(1, 'b', () => ({ key: 'b', n: 2 }), 100);
    store.entry(0, 'a', () => ({ key: 'a', n: -1 }), 600); // used again: now the newest
    assert.equal(store.evictIdle(1099), 0, 'b was used 999 ms ago');
    assert.equal(store.evictIdle(1100), 1);
    assert.deepEqual(evicted, ['b:idle:2']);
    assert.equal(store.get('b'), undefined);
    assert.equal(store.get('a')?.n, 1, 'a was used at 600');
    assert.equal(store.entry(1, 'b', () => ({ key: 'b', n: 3 }), 1200).n, 3, 'b comes back through create');
    assert.deepEqual(store.stats(), { entries: 2, evictedIdle: 1, evictedLru: 0 });
  });

  it('evicts at most max idle entries per call, the oldest first', () => {
    const store = new PartitionedStore<number>({ idleMs: 10 });
    for (let i = 0; i < 5; i++) store.entry(0, `k${i}`, () => i, i);
    assert.equal(store.evictIdle(100, 2), 2);
    assert.deepEqual([...store.values()], [2, 3, 4]);
    assert.equal(store.evictIdle(100), 3);
  });

  it('never evicts idle entries when idleMs is 0', () => {
    const store = new PartitionedStore<number>();
    store.entry(0, 'a', () => 1, 0);
    assert.equal(store.evictIdle(Number.MAX_SAFE_INTEGER), 0);
    assert.equal(store.size, 1);
  });

  it('holds at most maxEntries, evicting the least recently used (not the newest) when a new key comes in', () => {
    const evicted: string[] = [];
    const removed: string[] = [];
    const store = new PartitionedStore<string>({
      maxEntries: 3,
      onEvict: (_entry, key, reason) => evicted.push(`${key}:${reason}`),
      onRemove: (_entry, key) => removed.push(key),
    });
    for (const [i, key] of ['a', 'b', 'c'].entries()) store.entry(i % 2, key, () => key, i);
    store.entry(0, 'a', () => 'again', 10); // a is now the most recently used
    store.entry(1, 'd', () => 'd', 11);
    assert.deepEqual(evicted, ['b:lru']);
    assert.deepEqual([...store.values()].sort(), ['a', 'c', 'd']);
    store.entry(0, 'e', () => 'e', 12);
    assert.deepEqual(evicted, ['b:lru', 'c:lru']);
    assert.equal(store.size, 3);
    store.dropPartition(0); // a and e: dropped, not evicted
    assert.deepEqual(evicted, ['b:lru', 'c:lru']);
    assert.deepEqual(removed.sort(), ['a', 'b', 'c', 'e']);
    assert.deepEqual(store.stats(), { entries: 1, evictedIdle: 0, evictedLru: 2 });
  });

  it('keeps the bound under a property: any sequence of uses holds at most maxEntries, each key once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 8 }),
        (uses, max) => {
          let live = 0;
          const store = new PartitionedStore<number>({ maxEntries: max, onRemove: () => live-- });
          for (const [t, [partition, key]] of uses.entries()) {
            store.entry(partition, `k${key}`, () => (live++, key), t);
            assert.ok(store.size <= max);
          }
          assert.equal(live, store.size, 'every created entry is either held or was removed once');
          assert.equal(new Set([...store.values()]).size, store.size);
        },
      ),
    );
  });

  it('keeps entries in order of last use under any sequence of uses (entry, use), evictions and dropped partitions (checked against a list model)', () => {
    type Op =
      | { kind: 'use'; partition: number; key: number }
      | { kind: 'useIfHeld'; partition: number; key: number }
      | { kind: 'idle'; max: number }
      | { kind: 'drop'; partition: number };
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.record({ kind: fc.constant('use' as const), partition: fc.nat(2), key: fc.nat(12) }) },
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('useIfHeld' as const), partition: fc.nat(2), key: fc.nat(12) }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('idle' as const), max: fc.nat(4) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), partition: fc.nat(2) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 1, max: 10 }), (ops: Op[], max) => {
        const evicted: string[] = [];
        const store = new PartitionedStore<string>({
          maxEntries: max,
          idleMs: 5,
          onEvict: (_entry, key, reason) => evicted.push(`${key}:${reason}`),
        });
        // the model: [key, partition, lastUsedMs], least recently used first
        let model: [string, number, number][] = [];
        const expectedEvicted: string[] = [];
        for (const [t, o] of ops.entries()) {
          if (o.kind === 'use') {
            const key = `k${o.key}`;
            store.entry(o.partition, key, () => key, t);
            model = [...model.filter(([k]) => k !== key), [key, o.partition, t]];
            while (model.length > max) expectedEvicted.push(`${model.shift()![0]}:lru`);
          } else if (o.kind === 'useIfHeld') {
            const key = `k${o.key}`;
            const held = model.some(([k, partition]) => k === key && partition === o.partition);
            assert.equal(store.use(o.partition, key, t), held ? key : undefined);
            if (held) model = [...model.filter(([k]) => k !== key), [key, o.partition, t]];
          } else if (o.kind === 'idle') {
            store.evictIdle(t, o.max);
            let n = 0;
            while (model.length > 0 && t - model[0]![2] >= 5 && n < o.max) {
              expectedEvicted.push(`${model.shift()![0]}:idle`);
              n++;
            }
          } else {
            store.dropPartition(o.partition);
            model = model.filter(([, partition]) => partition !== o.partition);
          }
          assert.deepEqual(
            [...store.values()],
            model.map(([key]) => key),
          );
          assert.equal(store.size, model.length);
        }
        assert.deepEqual(evicted, expectedEvicted);
      }),
      { numRuns: 500 },
    );
  });
});
