import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '@tideline/contracts';
import { timeShift, type ReplaySeries } from '../replay/replay-plan';
import { checkReplay, influxDurationMs } from './replay.command';

const NOW = Date.parse('2026-12-04T00:00:00Z');
const DAY = 86_400_000;

function series(file: string, times: number[], skippedLines = 0): ReplaySeries {
  return { file, metric: file, points: times.map((ts) => ({ ts, value: 1 })), skippedLines };
}

describe('checkReplay (before anything is sent)', () => {
  it('refuses files without a single valid row, saying what a row looks like', () => {
    const check = checkReplay([series('a.csv', [], 3)], 0, NOW, '30d');
    assert.equal(check.errors.length, 1);
    assert.match(check.errors[0]!, /no valid rows in a\.csv .*"timestamp,value".*3 malformed lines skipped/);
  });

  it('replays the files that have rows and warns about the empty one', () => {
    const check = checkReplay([series('a.csv', []), series('b.csv', [NOW - DAY])], 0, NOW, '30d');
    assert.deepEqual(check.errors, []);
    assert.deepEqual(check.warnings, ['a.csv: no valid rows, nothing to replay from it']);
  });

  it('refuses --keep-timestamps of points older than the age the services accept (LIMITS.maxPastAgeMs)', () => {
    const old = NOW - LIMITS.maxPastAgeMs - DAY;
    const check = checkReplay([series('nab.csv', [old, old + 1000, NOW - DAY])], 0, NOW, '30d');
    assert.equal(check.errors.length, 1);
    assert.match(
      check.errors[0]!,
      /^2 of 3 points are older than the 5 years the services accept .*timestamp_out_of_range/,
    );
    assert.match(check.errors[0]!, /replay without --keep-timestamps/);
    // without --keep-timestamps, shifted by whole weeks into the past week, the same points are fine
    const history = [series('nab.csv', [old, old + 1000])];
    assert.deepEqual(checkReplay(history, timeShift(history, NOW, false), NOW, '30d').errors, []);
  });

  it('refuses points more than LIMITS.maxFutureSkewMs ahead', () => {
    const check = checkReplay([series('f.csv', [NOW + LIMITS.maxFutureSkewMs + 1])], 0, NOW, '30d');
    assert.match(check.errors[0]!, /1 of 1 points lie more than 10 min in the future/);
  });

  it('warns that points older than influx.retention are alerted on but not stored', () => {
    const check = checkReplay([series('a.csv', [NOW - 40 * DAY, NOW - DAY])], 0, NOW, '30d');
    assert.deepEqual(check.errors, []);
    assert.match(check.warnings[0]!, /^1 of 2 points are older than influx\.retention \(30d\)/);
    assert.deepEqual(checkReplay([series('a.csv', [NOW - 40 * DAY])], 0, NOW, 'INF').warnings, []);
  });
});

describe('influxDurationMs', () => {
  it('reads InfluxDB duration literals', () => {
    assert.equal(influxDurationMs('30d'), 30 * DAY);
    assert.equal(influxDurationMs('1h30m'), 90 * 60_000);
    assert.equal(influxDurationMs('INF'), Number.POSITIVE_INFINITY);
  });
});
