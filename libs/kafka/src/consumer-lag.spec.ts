import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerLagTracker, describeStallRule, describeStalled, type PartitionOffsets } from './consumer-lag';

const at = (end: number, committed: number, partition = 0, low = 0): PartitionOffsets => ({
  topic: 't',
  partition,
  end: BigInt(end),
  low: BigInt(low),
  committed: BigInt(committed),
});

describe('ConsumerLagTracker', () => {
  const tracker = () =>
    new ConsumerLagTracker({ groupId: 'g', stallAfterMs: 10_000, intervalMs: 5000, fromBeginning: true });

  it('reports lag as end offset minus committed offset, per partition', () => {
    const report = tracker().observe(0, [at(100, 40), at(7, 7, 1)]);
    assert.deepEqual(
      report.partitions.map((p) => [p.partition, p.lag, p.stalledForMs]),
      [
        [0, 60, 0],
        [1, 0, 0],
      ],
    );
    assert.deepEqual(report.stalled, []);
  });

  it('calls a partition stalled once it has had lag for stallAfterMs without its committed offset moving', () => {
    const t = tracker();
    t.observe(0, [at(100, 40)]);
    assert.deepEqual(t.observe(9_999, [at(120, 40)]).stalled, []);
    const stalled = t.observe(10_000, [at(130, 40)]);
    assert.deepEqual(
      stalled.stalled.map((p) => [p.partition, p.lag, p.stalledForMs]),
      [[0, 90, 10_000]],
    );
    assert.equal(describeStalled(stalled), 't/0 (lag 90, no commit for 10 s)');
    assert.equal(describeStallRule(stalled), 'a stall is lag without a commit for 10 s, measured every 5 s');
  });

  it('recovers as soon as the committed offset moves, and never stalls a partition without lag', () => {
    const t = tracker();
    t.observe(0, [at(100, 40)]);
    assert.equal(t.observe(20_000, [at(100, 40)]).stalled.length, 1);
    assert.deepEqual(t.observe(21_000, [at(110, 60)]).stalled, []);
    assert.deepEqual(t.observe(40_000, [at(110, 110)]).stalled, [], 'caught up');
    assert.deepEqual(t.observe(45_000, [at(111, 110)]).stalled, [], 'new lag starts its clock when it appears');
  });

  it('starts the clock of a partition when it is (re)assigned, so a rebalance is not a stall', () => {
    const t = tracker();
    t.observe(0, [at(100, 40)]);
    t.observe(5_000, []); // revoked
    assert.deepEqual(t.observe(20_000, [at(100, 40)]).stalled, []);
  });

  it('counts the whole log as lag for a group without commits that starts from the beginning, none otherwise', () => {
    assert.equal(tracker().observe(0, [at(100, -1, 0, 30)]).partitions[0]?.lag, 70);
    const latest = new ConsumerLagTracker({ groupId: 'g', stallAfterMs: 1, intervalMs: 1, fromBeginning: false });
    assert.equal(latest.observe(0, [at(100, -1)]).partitions[0]?.lag, 0);
  });
});
