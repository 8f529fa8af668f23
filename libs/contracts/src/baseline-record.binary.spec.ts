import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BASELINE_JSON_SCHEMA, baselinePointsOf, baselineRecordOf, type BaselinePoint } from './baseline-point.schema';
import {
  BASELINE_BINARY_SCHEMA,
  BASELINE_BINARY_VERSION,
  decodeBaselineBinary,
  encodeBaselineBinary,
} from './baseline-record.binary';
import { BASELINE_DECODE_FAILURE_REASONS, decodeBaselineRecord, encodeEvent } from './event-codec';
import { ContractValidationError } from './validation-error';
import { JUDGED_POINT } from './testing/judged-point';
import { judgedSeriesPoints } from './testing/judged-points.arbitrary';

/** One series' points as the baseline service judges them: any finite numbers (-0 too), unicode names and tags. */
const points = judgedSeriesPoints({ maxLength: 30, tail: 'per-series' });

const POINT = JUDGED_POINT;

const valid = () => encodeEvent(baselineRecordOf([POINT, { ...POINT, ts: POINT.ts + 1, detector: 'none' }]));

function failureOf(bytes: Uint8Array) {
  const decoded = decodeBaselineRecord(bytes);
  assert.equal(decoded.ok, false, 'expected the decode to fail');
  if (decoded.ok) throw new Error('unreachable');
  return decoded.error;
}

describe('tideline.baseline/3 (binary baseline records)', () => {
  it('decodes every record it encodes to exactly the same columns and points (property: unicode names, -0, no tail column)', () => {
    fc.assert(
      fc.property(points, (judged) => {
        const record = baselineRecordOf(judged);
        const bytes = encodeBaselineBinary(record);
        const decoded = decodeBaselineRecord(bytes);
        assert.ok(decoded.ok, JSON.stringify(decoded));
        assert.deepStrictEqual(decoded.value, record);
        assert.deepStrictEqual(baselinePointsOf(decoded.value), judged);
        assert.equal('tailProbability' in decoded.value.points, judged[0]!.evidence.tailProbability !== undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('is what encodeEvent writes for a record of baselineRecordOf (the JSON form only on request)', () => {
    const record = baselineRecordOf([POINT, { ...POINT, ts: POINT.ts + 10_000 }]);
    assert.equal(record.schema, BASELINE_BINARY_SCHEMA);
    const binary = encodeEvent(record);
    assert.deepEqual(binary, encodeBaselineBinary(record));
    assert.deepEqual([binary[0], binary[1]], [0, BASELINE_BINARY_VERSION], 'the marker byte, then the version');
    assert.equal(encodeEvent({ ...record, schema: BASELINE_JSON_SCHEMA })[0], '{'.charCodeAt(0));
  });

  it('still decodes a JSON tideline.baseline/2 record of an older build to the same points', () => {
    const record = baselineRecordOf([POINT, { ...POINT, ts: POINT.ts + 1 }]);
    const older = Buffer.from(JSON.stringify({ ...record, schema: BASELINE_JSON_SCHEMA }));
    const decoded = decodeBaselineRecord(older);
    assert.ok(decoded.ok, JSON.stringify(decoded));
    assert.equal(decoded.value.schema, BASELINE_JSON_SCHEMA);
    assert.deepEqual(baselinePointsOf(decoded.value), baselinePointsOf(record));
  });

  it('dead-letters a binary record of another layout version or with unknown flags as "unsupported_schema", saying which', () => {
    const newer = valid();
    newer[1] = BASELINE_BINARY_VERSION + 2;
    const error = failureOf(newer);
    assert.equal(error.reason, 'unsupported_schema');
    assert.match(
      error.message,
      /layout version 5; this build reads version 3, bundles of them \(version 4\) and JSON tideline\.baseline\/2/,
    );
    assert.equal(failureOf(Object.assign(valid(), { 1: BASELINE_BINARY_VERSION + 2 })).field, 'version');
    const flagged = valid();
    flagged[2] = 0x81;
    assert.equal(failureOf(flagged).reason, 'unsupported_schema');
  });

  it('gives a typed failure, never an exception, for every truncation of a record and for bytes past its end', () => {
    const bytes = valid();
    for (let length = 0; length < bytes.byteLength; length++) {
      const error = failureOf(bytes.subarray(0, length));
      // an empty record has no marker byte, so it is read as (invalid) JSON
      assert.equal(error.reason, length === 0 ? 'invalid_json' : 'invalid_binary', `${length} bytes: ${error.message}`);
    }
    const longer = new Uint8Array(bytes.byteLength + 3);
    longer.set(bytes);
    assert.match(failureOf(longer).message, /3 bytes after the last column/);
  });

  it('gives a typed failure or a valid record, never an exception, for any corrupted byte (property)', () => {
    const bytes = valid();
    const reasons: ReadonlySet<string> = new Set(BASELINE_DECODE_FAILURE_REASONS);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.byteLength - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          const corrupt = Uint8Array.from(bytes);
          for (const [at, byte] of edits) corrupt[at] = byte;
          const decoded = decodeBaselineRecord(corrupt);
          if (decoded.ok) assert.doesNotThrow(() => encodeBaselineBinary(decoded.value), 'a decoded record is valid');
          else assert.ok(reasons.has(decoded.error.reason), decoded.error.reason);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('dead-letters a record whose numbers break the contract (NaN value, score above 1), naming the field', () => {
    const nan = valid();
    const view = new DataView(nan.buffer, nan.byteOffset, nan.byteLength);
    // the value column follows the ts column: find the first point's value by its bytes
    const at = findFloat(view, POINT.value);
    view.setFloat64(at, Number.NaN, true);
    assert.deepEqual(
      [failureOf(nan).reason, failureOf(nan).field, failureOf(nan).message],
      ['schema_violation', 'points.value.0', 'tideline.baseline/3: field "points.value.0" is NaN, not a finite number'],
    );
    const score = valid();
    const scoreView = new DataView(score.buffer, score.byteOffset, score.byteLength);
    scoreView.setFloat64(findFloat(scoreView, POINT.score), 1.5, true);
    assert.equal(failureOf(score).field, 'points.score.0');
    assert.equal(decodeBaselineBinary(score).ok, false);
  });

  it('refuses to encode what consumers would dead-letter: NaN, a score above 1, a reserved tag, an unpaired surrogate', () => {
    const encode = (point: BaselinePoint) => () => encodeEvent(baselineRecordOf([point]));
    assert.throws(encode({ ...POINT, value: Number.NaN }), (e: unknown) => {
      assert.ok(e instanceof ContractValidationError);
      assert.equal(e.field, 'points.value.0');
      return true;
    });
    assert.throws(encode({ ...POINT, score: 1.5 }), /points\.score\.0/);
    assert.throws(encode({ ...POINT, ts: 1.5 }), /points\.ts\.0/);
    assert.throws(encode({ ...POINT, tags: JSON.parse('{"__proto__":"x"}') as Record<string, string> }), /reserved/);
    assert.throws(encode({ ...POINT, host: 'web-\uD800' }), /field "host" has an unpaired surrogate/);
    assert.throws(encode({ ...POINT, tags: { core: '\uDC00x' } }), /field "tags\.core" has an unpaired surrogate/);
    assert.throws(encode({ ...POINT, detector: 'a\uD800' }), /field "points\.detector" has an unpaired surrogate/);
    // a surrogate pair is one code point, four bytes of UTF-8
    const pair = decodeBaselineRecord(encodeEvent(baselineRecordOf([{ ...POINT, host: 'web-\uD83D\uDE00' }])));
    assert.ok(pair.ok && pair.value.host === 'web-😀');
  });
});

function findFloat(view: DataView, x: number): number {
  for (let at = 0; at + 8 <= view.byteLength; at++) if (view.getFloat64(at, true) === x) return at;
  throw new Error(`${x} not found`);
}
