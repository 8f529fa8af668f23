import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { baselineRecordOf } from './baseline-point.schema';
import {
  BASELINE_BUNDLE_VERSION,
  baselineBundleBytes,
  encodeBaselineBinary,
  encodeBaselineBundle,
  encodedBaselineRecord,
  packBaselineRecords,
} from './baseline-record.binary';
import { decodeBaselineRecord, decodeBaselineRecords, encodeEvent } from './event-codec';
import { JUDGED_POINT } from './testing/judged-point';

const POINT = JUDGED_POINT;

/** The binary record of `points` points of host `web-<n>` (names of varying length, so paddings vary). */
function recordOf(n: number, points = 1): Uint8Array {
  const host = `web-${'x'.repeat(n % 9)}${n}`;
  const judged = Array.from({ length: points }, (_, i) => ({
    ...POINT,
    series: `cpu.usage_percent|host=${host}|core=0`,
    host,
    ts: POINT.ts + i,
    value: n + i / 10,
  }));
  return encodeBaselineBinary(baselineRecordOf(judged));
}

function failureOf(bytes: Uint8Array) {
  const decoded = decodeBaselineRecords(bytes);
  assert.equal(decoded.ok, false, 'expected the decode to fail');
  if (decoded.ok) throw new Error('unreachable');
  return decoded.error;
}

describe('bundles of binary baseline records (layout version 4)', () => {
  it('decode to the records they carry, in order, each as decodeBaselineRecord reads it alone (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 40 }),
        (specs) => {
          const records = specs.map(([n, points]) => recordOf(n, points));
          const bundle = encodeBaselineBundle(records);
          assert.equal(bundle.byteLength, baselineBundleBytes(records.map((r) => r.byteLength)));
          assert.equal(bundle.byteLength % 8, 0);
          const decoded = decodeBaselineRecords(bundle);
          assert.ok(decoded.ok, JSON.stringify(decoded));
          assert.deepStrictEqual(
            decoded.value,
            records.map((r) => {
              const alone = decodeBaselineRecord(r);
              assert.ok(alone.ok);
              return alone.value;
            }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leave a single record or a JSON record as it was: one record', () => {
    const single = recordOf(7, 3);
    const decoded = decodeBaselineRecords(single);
    assert.ok(decoded.ok);
    assert.equal(decoded.value.length, 1);
    assert.equal(decoded.value[0]!.host, 'web-xxxxxxx7');
    const json = encodeEvent({ ...baselineRecordOf([POINT]), schema: 'tideline.baseline/2' });
    const fromJson = decodeBaselineRecords(json);
    assert.ok(fromJson.ok);
    assert.equal(fromJson.value[0]!.series, POINT.series);
  });

  it('pack records in order into values within the size limit: bundles without a key, a lone record with its own', () => {
    const records = Array.from({ length: 300 }, (_, n) => encodedBaselineRecord(`s${n}`, recordOf(n, 1 + (n % 3))));
    const limit = 4096;
    const values = packBaselineRecords(records, limit);
    const seen: string[] = [];
    for (const { key, value } of values) {
      assert.ok(value.byteLength <= limit, `${value.byteLength} bytes`);
      const decoded = decodeBaselineRecords(value);
      assert.ok(decoded.ok);
      if (value[1] === BASELINE_BUNDLE_VERSION) {
        assert.equal(key, null);
        assert.ok(decoded.value.length > 1);
      } else assert.equal(key, decoded.value[0]!.series);
      for (const record of decoded.value) seen.push(record.host);
    }
    assert.ok(values.length < 300 / 5, `${values.length} values for 300 records`);
    assert.deepStrictEqual(
      seen,
      records.map((_, n) => `web-${'x'.repeat(n % 9)}${n}`),
    );
    const big = recordOf(1, 60);
    assert.deepStrictEqual(packBaselineRecords([encodedBaselineRecord('big', big)], 4096), [
      { key: 'big', value: big },
    ]);
    assert.deepStrictEqual(packBaselineRecords([], limit), []);
  });

  it('refuse a bundle whose layout is broken, naming what is wrong', () => {
    const records = [recordOf(1), recordOf(22)];
    const bundle = () => encodeBaselineBundle(records);
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

    const empty = bundle().slice(0, 8);
    view(empty).setUint32(4, 0, true);
    assert.match(failureOf(empty).message, /empty bundle/);

    const truncated = bundle().slice(0, bundle().byteLength - 8);
    assert.equal(failureOf(truncated).reason, 'invalid_binary');

    const trailing = new Uint8Array(bundle().byteLength + 8);
    trailing.set(bundle());
    assert.match(failureOf(trailing).message, /after the bundle's last record/);

    const announced = bundle();
    view(announced).setUint32(4, 3, true);
    assert.equal(failureOf(announced).reason, 'invalid_binary');

    const header = bundle();
    header[2] = 1;
    assert.match(failureOf(header).message, /header bytes/);

    const entryPadding = bundle();
    entryPadding[12] = 1;
    assert.match(failureOf(entryPadding).message, /entry padding/);

    const nested = bundle();
    nested[8 + 8 + 1] = BASELINE_BUNDLE_VERSION; // the first record claims to be a bundle itself
    const nestedFailure = failureOf(nested);
    assert.equal(nestedFailure.reason, 'unsupported_schema');
    assert.match(nestedFailure.message, /record 0 has layout version 4/);

    // a record inside that is itself invalid fails the bundle with that record's reason
    const bad = bundle();
    const firstLength = view(bad).getUint32(8, true);
    bad[8 + 8 + firstLength - 1] = 7; // its last seasonality code
    assert.equal(failureOf(bad).reason, 'invalid_binary');
    assert.match(failureOf(bad).message, /seasonality code 7/);

    // the decoders' size limit holds for bundles too
    const oversized = encodeBaselineBundle(Array.from({ length: 600 }, (_, n) => recordOf(n, 2)));
    assert.ok(oversized.byteLength > 64 * 1024);
    assert.equal(failureOf(oversized).reason, 'oversized');
  });

  it('hold only version-3 records', () => {
    assert.throws(() => encodeBaselineBundle([]), RangeError);
    const inner = encodeBaselineBundle([recordOf(1), recordOf(2)]);
    assert.throws(() => encodeBaselineBundle([inner]), /records of version 3 only/);
  });
});
