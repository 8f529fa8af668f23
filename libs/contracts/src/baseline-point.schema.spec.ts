import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baselinePointsOf, baselineRecordOf, baselineRecordsOf, type BaselinePoint } from './baseline-point.schema';
import { decodeBaselineRecord, encodeEvent } from './event-codec';
import { LIMITS } from './limits';

describe('baseline records (tideline.baseline/2)', () => {
  it('split a long run of one series into records that every decoder accepts (under the event size limit), losing nothing', () => {
    // the largest a point gets: 17-digit numbers, the longest detector name; names and tags at their limits
    const name = 'x'.repeat(LIMITS.maxNameLength);
    const tags = Object.fromEntries(
      Array.from({ length: LIMITS.maxTags }, (_, i) => [`${i}${name}`.slice(0, LIMITS.maxNameLength), name]),
    );
    const points: BaselinePoint[] = Array.from({ length: 1000 }, (_, i) => ({
      series: `${name}|host=${name}`,
      host: name,
      metric: name,
      tags,
      ts: 1_764_000_000_000 + i,
      value: -1.2345678901234568e-300,
      expected: -1.2345678901234568e-300,
      lower: -1.2345678901234568e-300,
      upper: -1.2345678901234568e-300,
      score: 0.12345678901234568,
      detector: 'seasonal_deviation',
      ready: true,
      evidence: {
        deviation: 1.2345678901234568e300,
        seasonality: 'weekly',
        observations: 1_000_000_000 + i,
        tailProbability: 1.2345678901234568e-300,
      },
    }));
    const records = baselineRecordsOf(points);
    assert.ok(records.length > 1);
    const back: BaselinePoint[] = [];
    for (const record of records) {
      const bytes = encodeEvent(record);
      assert.ok(bytes.byteLength <= LIMITS.maxEventBytes, `${bytes.byteLength} bytes`);
      const decoded = decodeBaselineRecord(bytes);
      assert.ok(decoded.ok, JSON.stringify(decoded));
      back.push(...baselinePointsOf(decoded.value));
    }
    assert.deepEqual(back, points);
  });

  it('carries the tail probability when every point has it, and still decodes a record without it (older builds)', () => {
    const point = (i: number, tailProbability?: number): BaselinePoint => ({
      series: 'cpu|host=a',
      host: 'a',
      metric: 'cpu',
      tags: {},
      ts: 1_764_000_000_000 + i,
      value: 1,
      expected: 1,
      lower: 0,
      upper: 2,
      score: 0.1,
      detector: 'none',
      ready: true,
      evidence: {
        deviation: 0.5,
        seasonality: 'none',
        observations: i,
        ...(tailProbability !== undefined ? { tailProbability } : {}),
      },
    });
    const decode = (record: ReturnType<typeof baselineRecordOf>) => {
      const decoded = decodeBaselineRecord(encodeEvent(record));
      assert.ok(decoded.ok, JSON.stringify(decoded));
      return baselinePointsOf(decoded.value);
    };
    const withTail = [point(0, 1), point(1, 8.3e-6)];
    assert.deepEqual(decode(baselineRecordOf(withTail)), withTail);
    const older = [point(0), point(1)];
    const record = baselineRecordOf(older);
    assert.equal('tailProbability' in record.points, false);
    assert.deepEqual(decode(record), older);
    // a point without it makes the record omit the column rather than carry a hole
    assert.deepEqual(decode(baselineRecordOf([point(0, 0.5), point(1)])), older);
    const bad = decodeBaselineRecord(
      Buffer.from(JSON.stringify({ ...record, points: { ...record.points, tailProbability: [0.5, 1.5] } })),
    );
    assert.equal(bad.ok, false);
  });
});
