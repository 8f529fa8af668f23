import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_POINTS_PER_BASELINE_RECORD, baselineRecordsOf, type BaselinePoint } from './baseline-point.schema';
import { encodeBaselineBinary } from './baseline-record.binary';
import { BaselineColumns, encodeSeriesNames } from './baseline-record.columns';
import { decodeBaselineRecord } from './event-codec';
import { ContractValidationError } from './validation-error';
import { JUDGED_POINT } from './testing/judged-point';
import { judgedSeriesPoints } from './testing/judged-points.arbitrary';

/** One series' judged points, some without a tail probability, sometimes more than a record holds. */
const seriesPoints = judgedSeriesPoints({
  maxLength: 2 * MAX_POINTS_PER_BASELINE_RECORD + 30,
  tail: 'per-point',
  size: 'max',
});

function pushAll(columns: BaselineColumns, points: readonly BaselinePoint[]): BaselineColumns {
  for (const p of points)
    columns.push(p.ts, p.value, p.evidence.observations, {
      ...p,
      ...p.evidence,
      tailProbability: p.evidence.tailProbability ?? Number.NaN,
    });
  return columns;
}

const encodedByRecords = (points: readonly BaselinePoint[]) =>
  baselineRecordsOf(points).map((record) => encodeBaselineBinary(record));

function validationErrorOf(fn: () => unknown): ContractValidationError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ContractValidationError, String(error));
    return error;
  }
  assert.fail('expected a ContractValidationError');
}

describe('BaselineColumns (a series judged points, encoded without an object per point)', () => {
  it('encodes the bytes encodeBaselineBinary gives each record of baselineRecordsOf, reused or fresh (property)', () => {
    const reused = new BaselineColumns();
    fc.assert(
      fc.property(seriesPoints, (points) => {
        const names = encodeSeriesNames(points[0]!);
        const expected = encodedByRecords(points);
        assert.deepStrictEqual(pushAll(new BaselineColumns(), points).encode(names), expected);
        reused.clear();
        assert.deepStrictEqual(pushAll(reused, points).encode(names), expected, 'after clear(), as if fresh');
        assert.equal(reused.length, points.length);
      }),
      { numRuns: 60 },
    );
  });

  it('starts a record every MAX_POINTS_PER_BASELINE_RECORD points, each with its own detector table and tail flag', () => {
    const points = Array.from({ length: MAX_POINTS_PER_BASELINE_RECORD + 1 }, (_, i) => ({
      ...JUDGED_POINT,
      ts: JUDGED_POINT.ts + i,
      detector: i < MAX_POINTS_PER_BASELINE_RECORD ? 'none' : 'spike',
      evidence: i === 0 ? { ...JUDGED_POINT.evidence, tailProbability: undefined } : JUDGED_POINT.evidence,
    }));
    const encoded = pushAll(new BaselineColumns(), points as BaselinePoint[]).encode(encodeSeriesNames(JUDGED_POINT));
    const decoded = encoded.map((bytes) => {
      const record = decodeBaselineRecord(bytes);
      assert.ok(record.ok, JSON.stringify(record));
      return record.value.points;
    });
    assert.deepEqual(
      decoded.map((c) => c.ts.length),
      [MAX_POINTS_PER_BASELINE_RECORD, 1],
    );
    assert.deepEqual([...new Set(decoded[1]!.detector)], ['spike']);
    assert.equal(decoded[0]!.tailProbability, undefined, 'a point without one: no tail column in its record');
    assert.deepEqual(decoded[1]!.tailProbability, [0.0021]);
  });

  it('leaves out a tail probability outside [0, 1] and encodes nothing when empty', () => {
    const columns = new BaselineColumns();
    assert.deepEqual(columns.encode(encodeSeriesNames(JUDGED_POINT)), []);
    columns.push(1, 2, 3, { ...JUDGED_POINT, ...JUDGED_POINT.evidence, tailProbability: 1.5 });
    const [bytes] = columns.encode(encodeSeriesNames(JUDGED_POINT));
    const record = decodeBaselineRecord(bytes!);
    assert.ok(record.ok);
    assert.equal(record.value.points.tailProbability, undefined);
  });

  it('refuses what the schema refuses, naming the field as encodeBaselineBinary does', () => {
    const names = encodeSeriesNames(JUDGED_POINT);
    const refusal = (judged: Partial<typeof JUDGED_POINT & typeof JUDGED_POINT.evidence>, ts = 5) => {
      const columns = new BaselineColumns();
      columns.push(4, 1, 0, { ...JUDGED_POINT, ...JUDGED_POINT.evidence, tailProbability: 0.5 });
      columns.push(ts, 1, 0, { ...JUDGED_POINT, ...JUDGED_POINT.evidence, tailProbability: 0.5, ...judged });
      return validationErrorOf(() => columns.encode(names)).issues[0];
    };
    assert.equal(refusal({ expected: Number.NaN })?.field, 'points.expected.1');
    assert.equal(refusal({ score: 1.5 })?.code, 'out_of_range');
    assert.equal(refusal({}, 5.5)?.field, 'points.ts.1');
    assert.equal(refusal({ seasonality: 'hourly' as 'daily' })?.field, 'points.seasonality.1');
    assert.equal(
      validationErrorOf(() => encodeSeriesNames({ ...JUDGED_POINT, series: '' })).issues[0]?.field,
      'series',
    );
    assert.equal(
      validationErrorOf(() => encodeSeriesNames({ ...JUDGED_POINT, tags: JSON.parse('{"__proto__":"x"}') })).issues[0]
        ?.field,
      'tags.__proto__',
    );
    assert.equal(
      validationErrorOf(() => encodeSeriesNames({ ...JUDGED_POINT, host: 'web-\ud800' })).issues[0]?.field,
      'host',
    );
  });
});
