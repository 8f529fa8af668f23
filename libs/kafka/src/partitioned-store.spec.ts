import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
});
