import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration } from './zoned-time';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it('rolls 6 days and 23.5 hours or more over to "7 d" instead of showing "6 d 24 h"', () => {
    assert.equal(formatDuration(7 * DAY - 20 * MIN), '7 d');
    assert.equal(formatDuration(7 * DAY - 31 * MIN), '6 d 23 h');
    assert.equal(formatDuration(6 * DAY + 23 * HOUR + 30 * MIN), '7 d');
  });

  it('rolls minutes over into hours and hours into days at each boundary', () => {
    assert.equal(formatDuration(59 * MIN + 29_000), '59 min');
    assert.equal(formatDuration(59 * MIN + 31_000), '1 h');
    assert.equal(formatDuration(2 * HOUR - 20_000), '2 h');
    assert.equal(formatDuration(47 * HOUR + 59 * MIN), '47 h 59 min');
    assert.equal(formatDuration(48 * HOUR - 20_000), '2 d');
    assert.equal(formatDuration(2 * DAY + 23 * HOUR + 40 * MIN), '3 d');
    assert.equal(formatDuration(3 * DAY + 4 * HOUR), '3 d 4 h');
  });

  it('shows tenths of days from 14 days, and whole days from 100, without "100.0 d"', () => {
    assert.equal(formatDuration(14 * DAY - 20 * MIN), '14.0 d');
    assert.equal(formatDuration(13 * DAY + 23 * HOUR), '13 d 23 h');
    assert.equal(formatDuration(20.25 * DAY), '20.3 d');
    assert.equal(formatDuration(100 * DAY - HOUR), '100 d');
    assert.equal(formatDuration(250.4 * DAY), '250 d');
  });

  it('shows the size of a negative duration, "never" for +∞ and "—" for NaN', () => {
    assert.equal(formatDuration(-90 * MIN), '1 h 30 min');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), 'never');
    assert.equal(formatDuration(Number.NaN), '—');
  });
});
