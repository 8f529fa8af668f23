import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataWindow, densify } from './chart-window';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const FROM = Date.parse('2026-11-16T08:00:00Z');
const UNTIL = FROM + 7 * DAY;
const BUCKET = 30 * MIN;

function week(filled: (t: number) => boolean): { times: Float64Array; values: Float64Array } {
  const n = (UNTIL - FROM) / BUCKET;
  const times = Float64Array.from({ length: n }, (_, i) => FROM + i * BUCKET);
  const values = times.map((t) => (filled(t) ? 1 : Number.NaN));
  return { times, values };
}

describe('dataWindow', () => {
  it('zooms a series replayed into 3 hours of the week to those hours and a margin', () => {
    const start = FROM + 2 * DAY + 10 * HOUR;
    const { times, values } = week((t) => t >= start && t < start + 3 * HOUR);
    const w = dataWindow(times, values, BUCKET, FROM, UNTIL);
    assert.ok(w);
    assert.equal(w.dataFrom, start);
    assert.equal(w.dataUntil, start + 3 * HOUR);
    assert.equal(w.from, start - BUCKET, 'a margin of one bucket (more than a tenth of 3 h)');
    assert.equal(w.until, start + 3 * HOUR + BUCKET);
  });

  it('keeps the window inside the period when the data touches its end', () => {
    const { times, values } = week((t) => t >= UNTIL - 2 * HOUR);
    const w = dataWindow(times, values, BUCKET, FROM, UNTIL);
    assert.ok(w);
    assert.equal(w.until, UNTIL);
    assert.equal(w.dataUntil, UNTIL);
    assert.equal(w.from, UNTIL - 2 * HOUR - BUCKET);
  });

  it('draws a series with data over a quarter of the period or more whole, and one without data not at all', () => {
    const whole = week(() => true);
    assert.equal(dataWindow(whole.times, whole.values, BUCKET, FROM, UNTIL), undefined);
    const quarter = week((t) => t >= UNTIL - 42 * HOUR);
    assert.equal(dataWindow(quarter.times, quarter.values, BUCKET, FROM, UNTIL), undefined, '42 h of 168 h');
    const less = week((t) => t >= UNTIL - 41 * HOUR);
    assert.ok(dataWindow(less.times, less.values, BUCKET, FROM, UNTIL), '41 h of 168 h');
    const empty = week(() => false);
    assert.equal(dataWindow(empty.times, empty.values, BUCKET, FROM, UNTIL), undefined);
  });
});

describe('densify', () => {
  it('merges 1-minute buckets of a 5-minute series into 5-minute ones (means), so that it draws as a line', () => {
    const times = Float64Array.from({ length: 60 }, (_, i) => FROM + i * MIN);
    const value = times.map((_, i) => (i % 5 === 2 ? i : Number.NaN));
    const band = times.map((_, i) => (i % 5 === 2 ? 2 * i : Number.NaN));
    const out = densify({ times, value, band }, ['value', 'band'], 'value');
    assert.equal(out.times.length, 12);
    assert.equal(out.times[1], FROM + 5 * MIN);
    assert.deepEqual([...out.value.slice(0, 3)], [2, 7, 12]);
    assert.deepEqual([...out.band.slice(0, 3)], [4, 14, 24]);
  });

  it('leaves a series that fills its buckets as it is', () => {
    const times = Float64Array.from({ length: 10 }, (_, i) => FROM + i * MIN);
    const value = times.map((_, i) => i);
    const data = { times, value };
    assert.equal(densify(data, ['value'], 'value'), data);
  });
});
