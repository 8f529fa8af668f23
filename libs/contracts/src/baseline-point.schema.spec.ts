import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baselinePointsOf, baselineRecordsOf, type BaselinePoint } from './baseline-point.schema';
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
      evidence: { deviation: 1.2345678901234568e300, seasonality: 'weekly', observations: 1_000_000_000 + i },
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
});
