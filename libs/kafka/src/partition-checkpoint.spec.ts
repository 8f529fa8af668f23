import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PartitionCheckpoint } from './partition-checkpoint';

describe('PartitionCheckpoint', () => {
  it('commits nothing past the first record until it is handled', () => {
    const checkpoint = new PartitionCheckpoint([10n, 11n, 12n]);
    assert.equal(checkpoint.committable(), 10n);
    checkpoint.markHandled(12n);
    checkpoint.markHandled(11n);
    assert.equal(checkpoint.committable(), 10n, 'a gap at 10 holds the commit back');
    assert.equal(checkpoint.pendingCount(), 2);
    checkpoint.markHandled(10n);
    assert.equal(checkpoint.committable(), 13n);
    assert.equal(checkpoint.pendingCount(), 0);
    assert.equal(checkpoint.isComplete(), true);
  });

  it('commits the first unhandled offset when records finish in order part-way', () => {
    const checkpoint = new PartitionCheckpoint([5n, 6n, 7n, 8n]);
    checkpoint.markHandled(5n);
    checkpoint.markHandled(6n);
    assert.equal(checkpoint.committable(), 7n);
  });

  it('works on non-contiguous offsets (compacted topics) and a batch ending in control records', () => {
    const checkpoint = new PartitionCheckpoint([3n, 7n, 20n], 23n);
    checkpoint.markHandled(3n);
    assert.equal(checkpoint.committable(), 7n);
    checkpoint.markHandled(7n);
    checkpoint.markHandled(20n);
    assert.equal(checkpoint.committable(), 23n);
  });

  it('ignores unknown offsets and repeated marks', () => {
    const checkpoint = new PartitionCheckpoint([1n, 2n]);
    assert.equal(checkpoint.markHandled(99n), false);
    checkpoint.markHandled(2n);
    checkpoint.markHandled(2n);
    assert.equal(checkpoint.pendingCount(), 1);
    assert.equal(checkpoint.committable(), 1n);
  });

  it('handles offsets beyond 2^53 exactly', () => {
    const big = 2n ** 60n;
    const checkpoint = new PartitionCheckpoint([big, big + 1n]);
    checkpoint.markAll();
    assert.equal(checkpoint.committable(), big + 2n);
  });

  it('property: the commit point is always the first unhandled offset, whatever the completion order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: 0n, max: 10_000n }), { minLength: 1, maxLength: 50 }),
        fc.array(fc.nat(), { maxLength: 80 }),
        (raw, picks) => {
          const offsets = [...raw].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const checkpoint = new PartitionCheckpoint(offsets);
          const done = new Set<bigint>();
          for (const pick of picks) {
            const offset = offsets[pick % offsets.length] as bigint;
            checkpoint.markHandled(offset);
            done.add(offset);
            const firstUnhandled = offsets.find((o) => !done.has(o));
            const expected = firstUnhandled ?? (offsets[offsets.length - 1] as bigint) + 1n;
            assert.equal(checkpoint.committable(), expected);
            // never past an unhandled record
            for (const o of offsets) if (o < checkpoint.committable()) assert.ok(done.has(o));
          }
        },
      ),
    );
  });

  it('over string offsets, marks by position or by offset alike and commits past trailing control records', () => {
    const checkpoint = PartitionCheckpoint.ofRecordOffsets(['9007199254740993', '9007199254740995'], 9007199254740998n);
    assert.equal(checkpoint.committable(), 9007199254740993n, 'int64 offsets beyond 2^53 stay exact');
    checkpoint.markHandledAt(1);
    assert.equal(checkpoint.isHandled(9007199254740995n), true);
    assert.equal(checkpoint.committable(), 9007199254740993n);
    assert.equal(checkpoint.markHandled('9007199254740993'), true);
    assert.equal(checkpoint.markHandled('9007199254740994'), false, 'an offset not in the batch');
    assert.equal(checkpoint.committable(), 9007199254740998n);
  });
});
