import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_EVENT_SCHEMA, type AlertEvent } from './alert-event.schema';
import { BASELINE_JSON_SCHEMA, baselineRecordOf, type BaselinePoint } from './baseline-point.schema';
import {
  decodeAlertEvent,
  decodeBaselineRecord,
  decodeMetricEvent,
  encodeEvent,
  type DecodeResult,
} from './event-codec';
import { LIMITS } from './limits';
import { METRIC_EVENT_SCHEMA, type MetricEvent } from './metric-event.schema';
import { ContractValidationError } from './validation-error';

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

const event: MetricEvent = {
  schema: METRIC_EVENT_SCHEMA,
  metric: 'http.latency',
  host: 'web-1',
  value: 0.25,
  ts: NOW - 1000,
  tags: { route: '/checkout', 'tag with space': 'naïve ✓' },
};

function failure<T, R extends string>(result: DecodeResult<T, R>) {
  assert.equal(result.ok, false, 'expected the decode to fail');
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('encodeEvent / decodeMetricEvent', () => {
  it('round-trips a valid metric event through bytes, including non-ASCII tags', () => {
    const wire = encodeEvent(event);
    assert.ok(wire instanceof Uint8Array);
    assert.deepEqual(decodeMetricEvent(wire, { nowMs: NOW }), { ok: true, value: event });
  });

  it('decodes from a string and from a Buffer alike', () => {
    const text = JSON.stringify(event);
    assert.deepEqual(decodeMetricEvent(text), { ok: true, value: event });
    assert.deepEqual(decodeMetricEvent(Buffer.from(text)), { ok: true, value: event });
  });

  it('round-trips alert events and baseline updates', () => {
    const alert: AlertEvent = {
      schema: ALERT_EVENT_SCHEMA,
      id: 'a-1',
      series: 'cpu|host=h',
      host: 'h',
      metric: 'cpu',
      tags: {},
      state: 'firing',
      value: 1,
      expected: 0,
      lower: -1,
      upper: 0.5,
      score: 0.9,
      severity: 'warning',
      detector: 'band',
      startedAt: NOW,
      updatedAt: NOW,
      influxql: 'SELECT 1',
    };
    const point: BaselinePoint = {
      series: 'cpu|host=h',
      host: 'h',
      metric: 'cpu',
      tags: {},
      ts: NOW,
      value: 1.5,
      expected: 1,
      lower: 0,
      upper: 2,
      score: 0.1,
      detector: 'none',
      ready: true,
      evidence: { deviation: 0.2, seasonality: 'daily', observations: 10 },
    };
    const baseline = baselineRecordOf([point, { ...point, ts: NOW + 1, score: 0.6, detector: 'spike' }]);
    assert.deepEqual(decodeAlertEvent(encodeEvent(alert)), { ok: true, value: alert });
    assert.deepEqual(decodeBaselineRecord(encodeEvent(baseline)), { ok: true, value: baseline });
    assert.equal(failure(decodeBaselineRecord(encodeEvent(event))).reason, 'unsupported_schema');
    // the JSON form of older builds: the hot path's hand-written checks defer to zod on anything odd, so the reasons
    // are the same
    const json = { ...baseline, schema: BASELINE_JSON_SCHEMA };
    assert.deepEqual(decodeBaselineRecord(encodeEvent(json)), { ok: true, value: json });
    const badScore = { ...json, points: { ...baseline.points, score: [0.1, 1.5] } };
    assert.equal(failure(decodeBaselineRecord(JSON.stringify(badScore))).reason, 'schema_violation');
    assert.equal(failure(decodeBaselineRecord(JSON.stringify({ ...json, extra: 1 }))).reason, 'schema_violation');
    const ragged = { ...json, points: { ...baseline.points, value: [1.5] } };
    assert.match(failure(decodeBaselineRecord(JSON.stringify(ragged))).message, /one entry per point/);
  });

  it('refuses to encode an invalid event instead of writing null for NaN', () => {
    assert.throws(
      () => encodeEvent({ ...event, value: Number.NaN }),
      (error: unknown) => {
        assert.ok(error instanceof ContractValidationError);
        assert.equal(error.field, 'value');
        return true;
      },
    );
    assert.throws(
      () => encodeEvent({ ...event, schema: 'nope' } as unknown as MetricEvent),
      /not a known event schema/,
    );
  });

  it('reports "invalid_json" for bytes that are not JSON', () => {
    const error = failure(decodeMetricEvent(bytes('cpu,host=a value=1')));
    assert.equal(error.reason, 'invalid_json');
    assert.match(error.message, /not UTF-8 JSON/);
  });

  it('reports "invalid_json" for bytes that are not UTF-8', () => {
    assert.equal(failure(decodeMetricEvent(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).reason, 'invalid_json');
  });

  it('reports "value_not_finite" for a value that overflows to Infinity', () => {
    const error = failure(decodeMetricEvent(JSON.stringify(event).replace('0.25', '1e999')));
    assert.equal(error.reason, 'value_not_finite');
    assert.equal(error.field, 'value');
    assert.match(error.message, /field "value" must be a finite number, got Infinity/);
  });

  it('reports "unsupported_schema" for an unknown schema version, even when other fields differ too', () => {
    const error = failure(decodeMetricEvent(JSON.stringify({ ...event, schema: 'tideline.metric/2', extra: 1 })));
    assert.equal(error.reason, 'unsupported_schema');
    assert.equal(error.field, 'schema');
  });

  it('reports "schema_violation" naming the field for a missing or mistyped field', () => {
    const { host: _host, ...noHost } = event;
    const missing = failure(decodeMetricEvent(JSON.stringify(noHost)));
    assert.deepEqual([missing.reason, missing.field], ['schema_violation', 'host']);
    assert.match(missing.message, /field "host" is required/);
    const mistyped = failure(decodeMetricEvent(JSON.stringify({ ...event, ts: '2026-01-01' })));
    assert.deepEqual([mistyped.reason, mistyped.field], ['schema_violation', 'ts']);
  });

  it('reports "json_not_object" for JSON that is not an object, naming what it is', () => {
    for (const [text, what] of [
      ['42', 'a number'],
      ['null', 'null'],
      ['[1,2]', 'an array'],
      ['"x"', 'a string'],
      ['true', 'a boolean'],
    ] as const) {
      const error = failure(decodeMetricEvent(text));
      assert.equal(error.reason, 'json_not_object', text);
      assert.match(error.message, new RegExp(`the JSON is ${what}, not an event object`));
    }
  });

  it('accepts JSON that starts with a byte order mark, as bytes and as a string', () => {
    const text = JSON.stringify(event);
    assert.deepEqual(decodeMetricEvent(bytes(`\ufeff${text}`)), decodeMetricEvent(text));
    assert.deepEqual(decodeMetricEvent(`\ufeff${text}`), decodeMetricEvent(text));
    assert.equal(decodeMetricEvent(`\ufeff${text}`).ok, true);
  });

  it('reports "tag_key_reserved" for a "__proto__" tag instead of dropping it', () => {
    const text = JSON.stringify(event).replace(/\}$/, ',"tags":{"__proto__":"x","constructor":"y"}}');
    const error = failure(decodeMetricEvent(text));
    assert.equal(error.reason, 'tag_key_reserved');
    assert.match(error.message, /field "tags" has an invalid key "__proto__": is reserved/);
    const ok = decodeMetricEvent(text.replace('"__proto__":"x",', ''));
    assert.equal(ok.ok && ok.value.tags['constructor'], 'y', 'a "constructor" tag is an ordinary tag');
  });

  it(`reports "oversized" for more than ${LIMITS.maxEventBytes} bytes without parsing them`, () => {
    const padded = `${JSON.stringify(event).slice(0, -1)},"unit":"${'x'.repeat(LIMITS.maxEventBytes)}"}`;
    const error = failure(decodeMetricEvent(bytes(padded)));
    assert.equal(error.reason, 'oversized');
    assert.match(error.message, new RegExp(`at most ${LIMITS.maxEventBytes} bytes`));
    // a string counts in UTF-8 bytes, not characters: 30k three-byte characters are ~90 KB
    assert.equal(failure(decodeMetricEvent(`"${'✓'.repeat(30_000)}"`)).reason, 'oversized');
  });

  it('reports "timestamp_out_of_range" beyond the allowed future skew or past age, given nowMs', () => {
    const future = failure(
      decodeMetricEvent(encodeEvent({ ...event, ts: NOW + LIMITS.maxFutureSkewMs + 1 }), { nowMs: NOW }),
    );
    assert.deepEqual([future.reason, future.field], ['timestamp_out_of_range', 'ts']);
    assert.match(future.message, /in the future/);
    const past = failure(
      decodeMetricEvent(encodeEvent({ ...event, ts: NOW - LIMITS.maxPastAgeMs - 1 }), { nowMs: NOW }),
    );
    assert.equal(past.reason, 'timestamp_out_of_range');
    assert.match(past.message, /in the past/);
  });

  it('accepts timestamps exactly at the window edges, and skips the window without nowMs', () => {
    assert.equal(
      decodeMetricEvent(encodeEvent({ ...event, ts: NOW + LIMITS.maxFutureSkewMs }), { nowMs: NOW }).ok,
      true,
    );
    assert.equal(decodeMetricEvent(encodeEvent({ ...event, ts: NOW - LIMITS.maxPastAgeMs }), { nowMs: NOW }).ok, true);
    assert.equal(decodeMetricEvent(encodeEvent({ ...event, ts: 0 })).ok, true);
  });
});
