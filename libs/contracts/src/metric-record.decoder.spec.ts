import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './limits';
import { decodeMetricRecord } from './metric-record.decoder';

const NOW = Date.UTC(2026, 0, 1);
const bytes = (text: string) => new TextEncoder().encode(text);
const json = (fields: Record<string, unknown>) =>
  bytes(
    JSON.stringify({ schema: 'tideline.metric/1', metric: 'cpu.total', host: 'web-1', value: 1, ts: NOW, ...fields }),
  );

describe('decodeMetricRecord', () => {
  it('decodes a JSON metric event', () => {
    const result = decodeMetricRecord(json({ value: 42 }), { nowMs: NOW });
    assert.equal(result.format, 'json');
    assert.equal(result.failure, undefined);
    assert.equal(result.events[0]?.value, 42);
  });

  it('decodes line protocol into one event per numeric field, nanosecond timestamps by default', () => {
    const result = decodeMetricRecord(bytes(`cpu,host=web-1,cpu=cpu0 usage_idle=97.5,usage_user=1.5 ${NOW}000000\n`), {
      nowMs: NOW,
    });
    assert.equal(result.format, 'line-protocol');
    assert.equal(result.failure, undefined);
    assert.deepEqual(
      result.events.map((e) => [e.metric, e.host, e.value, e.ts, e.tags['cpu']]),
      [
        ['cpu.usage_idle', 'web-1', 97.5, NOW, 'cpu0'],
        ['cpu.usage_user', 'web-1', 1.5, NOW, 'cpu0'],
      ],
    );
  });

  it('gives lines without a timestamp the record timestamp', () => {
    const result = decodeMetricRecord(bytes('mem,host=a used=1'), { nowMs: NOW, recordTimestampMs: NOW - 5 });
    assert.equal(result.events[0]?.ts, NOW - 5);
  });

  const failures: [string, Uint8Array, string][] = [
    ['invalid_json', bytes('{"schema": "tideline.metric/1", '), 'truncated JSON'],
    ['schema_violation', json({ host: undefined }), 'a JSON event without host'],
    [
      'value_not_finite',
      bytes(new TextDecoder().decode(json({ value: 1 })).replace('"value":1', '"value":1e999')),
      'a JSON value of 1e999',
    ],
    ['timestamp_out_of_range', json({ ts: NOW + LIMITS.maxFutureSkewMs + 1000 }), 'a JSON timestamp in the future'],
    [
      'oversized',
      json({
        tags: {
          big: 'x'.repeat(200),
          ...Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, 'v'.repeat(200)])),
        },
      }),
      'a JSON record over the size limit',
    ],
    ['line_protocol_invalid', bytes('cpu,host=a usage=abc 1'), 'line protocol with a bad field value'],
    [
      'timestamp_out_of_range',
      bytes(`cpu,host=a usage=1 ${NOW - LIMITS.maxPastAgeMs - 1000}000000`),
      'line protocol far in the past',
    ],
  ];
  for (const [reason, input, what] of failures) {
    it(`rejects ${what} with reason "${reason}"`, () => {
      const result = decodeMetricRecord(input, { nowMs: NOW });
      assert.equal(result.failure?.reason, reason, result.failure?.message);
      assert.equal(result.events.length, 0);
    });
  }

  it('keeps the good lines of a partly bad line-protocol record and reports the bad one', () => {
    const result = decodeMetricRecord(bytes(`cpu,host=a usage=1 ${NOW}000000\ncpu,host=a usage=zz ${NOW}000000`), {
      nowMs: NOW,
    });
    assert.equal(result.events.length, 1);
    assert.equal(result.failure?.reason, 'line_protocol_invalid');
  });

  it('accepts a line-protocol record holding only string fields as empty', () => {
    const result = decodeMetricRecord(bytes(`system,host=a uptime_format="1 day" ${NOW}000000`), { nowMs: NOW });
    assert.equal(result.failure, undefined);
    assert.equal(result.events.length, 0);
  });
});
