import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OutgoingRecord } from '@tideline/kafka';
import { timeShift, type ReplaySeries } from './replay-plan';
import { replay } from './replay.publisher';

const MINUTE = 60_000;
const series = (metric: string, start: number, n: number): ReplaySeries => ({
  file: `${metric}.csv`,
  metric,
  points: Array.from({ length: n }, (_, i) => ({ ts: start + i * MINUTE, value: i })),
  skippedLines: 0,
});

describe('replay', () => {
  it('publishes every point as a metric event keyed by series, in event-time order across files', async () => {
    const sent: OutgoingRecord[] = [];
    const count = await replay([series('a', 0, 3), series('b', 30_000, 3)], {
      speed: 'max',
      host: 'replay',
      tags: {},
      shiftMs: 1000,
      send: async (records) => void sent.push(...records),
    });
    assert.equal(count, 6);
    const events = sent.map((r) => JSON.parse(String(r.value)) as { metric: string; ts: number; source: string });
    assert.deepEqual(
      events.map((e) => [e.metric, e.ts]),
      [
        ['a', 1000],
        ['b', 31_000],
        ['a', 61_000],
        ['b', 91_000],
        ['a', 121_000],
        ['b', 151_000],
      ],
    );
    assert.equal(sent[0]!.key, 'a|host=replay');
    assert.ok(events.every((e) => e.source === 'replay'));
  });

  it('at speed N sends a point when (ts - first ts) / N has elapsed', async () => {
    let now = 0;
    const sendTimes: number[] = [];
    await replay([series('a', 0, 4)], {
      speed: 60, // one minute of data per second
      host: 'h',
      tags: {},
      shiftMs: 0,
      now: () => now,
      sleep: async (ms) => void (now += ms),
      send: async (records) => void records.forEach(() => sendTimes.push(now)),
    });
    assert.deepEqual(sendTimes, [0, 1000, 2000, 3000]);
  });

  it('shifts history by whole weeks so that its latest point falls in the last week, unless timestamps are kept', () => {
    const WEEK = 7 * 24 * 60 * MINUTE;
    const all = [series('a', 0, 3), series('b', 0, 5)]; // latest point at 4 minutes
    assert.equal(timeShift(all, 10 * MINUTE, false), 0, 'already within the last week');
    const now = 3 * WEEK + 10 * MINUTE;
    const shift = timeShift(all, now, false);
    assert.equal(shift, 3 * WEEK, 'weekday and time of day kept');
    assert.ok(4 * MINUTE + shift <= now && 4 * MINUTE + shift > now - WEEK);
    assert.equal(timeShift(all, now, true), 0);
  });
});
