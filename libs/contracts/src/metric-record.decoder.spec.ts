import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './limits';
import { formatLine, LineFormatError } from './line-protocol-format';
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

  describe('names that InfluxDB line protocol cannot carry exactly', () => {
    it('dead-letters a JSON event whose metric holds a line break with reason "name_not_writable"', () => {
      const forged = 'cpu\nforged,host=x value=1';
      const result = decodeMetricRecord(json({ metric: forged }), { nowMs: NOW });
      assert.equal(result.failure?.reason, 'name_not_writable');
      assert.match(result.failure.message, /field "metric" contains a control character \(U\+000A\)/);
      assert.deepEqual(result.events, []);
      // and it could not have been written anyway: the writer refuses it rather than forge a row
      assert.throws(() => formatLine('points', { metric: forged }, { value: 1 }, NOW), LineFormatError);
    });

    it('dead-letters a JSON event whose host ends with a backslash ("web-1\\") with reason "name_not_writable"', () => {
      const result = decodeMetricRecord(json({ host: 'web-1\\' }), { nowMs: NOW });
      assert.equal(result.failure?.reason, 'name_not_writable');
      assert.match(result.failure.message, /field "host" ends with a backslash/);
      assert.deepEqual(result.events, []);
    });

    it('dead-letters a JSON event whose tag value or tag key cannot be written, naming the tag', () => {
      const value = decodeMetricRecord(json({ tags: { core: '0\\' } }), { nowMs: NOW });
      assert.equal(value.failure?.reason, 'name_not_writable');
      assert.match(value.failure.message, /field "tags\.core" ends with a backslash/);
      const key = decodeMetricRecord(json({ tags: { 'co\tre': '0' } }), { nowMs: NOW });
      assert.equal(key.failure?.reason, 'name_not_writable');
      assert.match(
        key.failure.message,
        /field "tags" has an invalid key "co\\tre": contains a control character \(U\+0009\)/,
      );
    });

    it('dead-letters a line-protocol line whose host ends with a backslash pair, keeping the good lines', () => {
      const text = `cpu,host=web-1\\\\ usage=1 ${NOW}000000\ncpu,host=web-2 usage=2 ${NOW}000000`;
      const result = decodeMetricRecord(bytes(text), { nowMs: NOW });
      assert.equal(result.failure?.reason, 'name_not_writable');
      assert.match(result.failure.message, /line 1, .*host: ends with a backslash/);
      assert.deepEqual(
        result.events.map((event) => event.host),
        ['web-2'],
      );
    });

    it('dead-letters a line-protocol tag value holding a control character with reason "name_not_writable"', () => {
      const result = decodeMetricRecord(bytes(`cpu,host=a,core=0\x01 usage=1 ${NOW}000000`), { nowMs: NOW });
      assert.equal(result.failure?.reason, 'name_not_writable');
      assert.match(result.failure.message, /tags\.core: contains a control character \(U\+0001\)/);
      assert.deepEqual(result.events, []);
    });

    it('accepts a tag value with a comma, space and equals sign, and formatLine writes it escaped', () => {
      for (const input of [
        json({ tags: { path: 'a,b c=d' } }),
        bytes(`cpu.total,host=web-1,path=a\\,b\\ c\\=d v=1 ${NOW}`),
      ]) {
        const result = decodeMetricRecord(input, { nowMs: NOW, precision: 'ms' });
        assert.equal(result.failure, undefined, result.failure?.message);
        const event = result.events[0]!;
        assert.deepEqual(event.tags, { path: 'a,b c=d' });
        assert.equal(
          formatLine('points', { ...event.tags, host: event.host }, { value: event.value }, event.ts),
          `points,host=web-1,path=a\\,b\\ c\\=d value=1 ${NOW}`,
        );
      }
    });
  });

  it('dead-letters a line-protocol line holding only string fields with reason "no_numeric_field", keeping the others', () => {
    const text = `system,host=a uptime_format="1 day" ${NOW}000000\nsystem,host=a load1=0.5,note="x" ${NOW}000000`;
    const result = decodeMetricRecord(bytes(text), { nowMs: NOW });
    assert.equal(result.failure?.reason, 'no_numeric_field');
    assert.match(result.failure.message, /line 1, .*every field is a string \("uptime_format"\)/);
    assert.deepEqual(
      result.events.map((e) => e.metric),
      ['system.load1'],
    );
    assert.equal(result.skippedStringFields, 1, 'the string field beside a number is counted');
  });

  it('tells JSON that is not an object from line protocol: arrays, numbers, strings, literals, with a BOM', () => {
    for (const text of [
      '[1,2]',
      '[{"schema":"tideline.metric/1"}]',
      '42',
      '-1.5e3',
      '"cpu"',
      'true',
      'null',
      ' \n 7 ',
    ]) {
      const result = decodeMetricRecord(bytes(text), { nowMs: NOW });
      assert.equal(result.format, 'json', text);
      assert.equal(result.failure?.reason, 'json_not_object', text);
    }
    const truncatedArray = decodeMetricRecord(bytes('[{"schema":'), { nowMs: NOW });
    assert.deepEqual([truncatedArray.format, truncatedArray.failure?.reason], ['json', 'invalid_json']);
    // line protocol whose measurement starts like a JSON literal or number is still line protocol
    for (const text of [`true_count,host=a v=1 ${NOW}000000`, `42,host=a v=1 ${NOW}000000`]) {
      const result = decodeMetricRecord(bytes(text), { nowMs: NOW });
      assert.deepEqual([result.format, result.failure, result.events.length], ['line-protocol', undefined, 1], text);
    }
  });

  it('accepts a JSON event or a line-protocol record that starts with a UTF-8 byte order mark', () => {
    const bom = [0xef, 0xbb, 0xbf];
    const withBom = (b: Uint8Array) => Uint8Array.from([...bom, ...b]);
    const fromJson = decodeMetricRecord(withBom(json({ value: 3 })), { nowMs: NOW });
    assert.deepEqual([fromJson.format, fromJson.failure, fromJson.events[0]?.value], ['json', undefined, 3]);
    const fromLines = decodeMetricRecord(withBom(bytes(`cpu,host=a v=4 ${NOW}000000`)), { nowMs: NOW });
    assert.deepEqual(
      [fromLines.format, fromLines.failure, fromLines.events[0]?.value],
      ['line-protocol', undefined, 4],
    );
  });

  it('dead-letters a "__proto__" tag with reason "tag_key_reserved" in JSON and in line protocol', () => {
    const fromJson = decodeMetricRecord(
      bytes(new TextDecoder().decode(json({})).replace(/\}$/, ',"tags":{"__proto__":"x"}}')),
      { nowMs: NOW },
    );
    assert.equal(fromJson.failure?.reason, 'tag_key_reserved');
    const fromLines = decodeMetricRecord(bytes(`cpu,host=a,__proto__=x v=1 ${NOW}000000`), { nowMs: NOW });
    assert.equal(fromLines.failure?.reason, 'tag_key_reserved');
    assert.deepEqual([fromJson.events, fromLines.events], [[], []]);
  });
});
