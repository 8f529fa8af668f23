import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMetricEvent, decodeMetricEventWithZod } from './event-codec';
import { LIMITS } from './limits';
import { fastDecodeMetricEventJson } from './metric-event.json-fast-path';
import { metricEventSchema } from './metric-event.schema';

const NOW = Date.UTC(2026, 0, 1);

// The oracle throughout: JSON.parse of the same bytes, then the schema (zod), as the decoder did before this path.
function oracle(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false };
  }
  const parsed = metricEventSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
}

/** Names: mostly plain, sometimes with what JSON escapes or line protocol refuses, around the length limits. */
const name = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom('cpu.total', 'web-1', 'core', '0', '__proto__', 'toString', 'a"b', 'a\\b') },
  { weight: 1, arbitrary: fc.constantFrom('', 'tab\there', '\u007f', 'é', '😀', 'C:\\Temp', 'web-1\\') },
  { weight: 1, arbitrary: fc.integer({ min: 254, max: 258 }).map((n) => 'x'.repeat(n)) },
);
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.integer({ min: NOW - 86_400_000, max: NOW + 60_000 }),
  fc.constantFrom(
    0,
    -0,
    1.5,
    -1,
    1e21,
    1e-7,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    999_999_999_999_999,
    1e15,
    123456789012345.6,
  ),
);
const event = fc.record(
  {
    schema: fc.oneof({ weight: 9, arbitrary: fc.constant('tideline.metric/1') }, { weight: 1, arbitrary: fc.string() }),
    metric: name,
    host: name,
    value: number,
    ts: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: NOW + 60_000 }) }, { weight: 1, arbitrary: number }),
    tags: fc.oneof(
      fc.dictionary(name, name, { maxKeys: 4 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.string({ minLength: 1, maxLength: 3 }), {
        minKeys: LIMITS.maxTags - 1,
        maxKeys: LIMITS.maxTags + 1,
      }),
    ),
    unit: fc.oneof(fc.string({ maxLength: 34 }), fc.constantFrom('', 'ms', 'x'.repeat(32), 'x'.repeat(33))),
    source: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('collector', 'sdk', 'telegraf', 'replay', 'other') },
      { weight: 1, arbitrary: fc.string({ maxLength: 9 }) },
    ),
  },
  { requiredKeys: ['schema', 'metric', 'host', 'value', 'ts'] },
);

/** The compact JSON our producers write (fields in schema order), or a variant the fast path must leave alone. */
const wire = fc
  .tuple(
    event,
    fc.constantFrom(
      ...(['compact', 'compact', 'compact', 'compact', 'compact', 'compact'] as const),
      ...(['spaced', 'reordered', 'exponent', 'escaped', 'extra', 'cut', 'dupTag'] as const),
    ),
    fc.nat(),
  )
  .map(([e, variant, at]) => {
    const compact = JSON.stringify(e);
    switch (variant) {
      case 'spaced':
        return JSON.stringify(e, null, 1);
      case 'reordered':
        return JSON.stringify(Object.fromEntries(Object.entries(e).reverse()));
      case 'exponent':
        return compact.replace(/"value":(-?\d+)([,}])/, '"value":$1e0$2').replace(/"ts":(\d+)/, '"ts":$1.0');
      case 'escaped':
        return compact.replace(/"host":"(.)/, '"host":"\\u00$1');
      case 'extra':
        return compact.replace(/}$/, ',"extra":1}');
      case 'cut':
        return compact.slice(0, at % (compact.length + 1));
      case 'dupTag':
        return compact.replace(/"tags":\{"([^"]*)":"([^"]*)"/, '"tags":{"$1":"$2","$1":"z"');
      default:
        return compact;
    }
  });

describe('fastDecodeMetricEventJson', () => {
  it('returns exactly what JSON.parse and the schema give (key order included), and nothing for what they refuse', () => {
    let fast = 0;
    fc.assert(
      fc.property(wire, (text) => {
        const bytes = Buffer.from(text, 'utf8');
        const decoded = fastDecodeMetricEventJson(bytes);
        if (decoded === undefined) return;
        fast++;
        const expected = oracle(bytes);
        assert.ok(expected.ok, `the fast path accepted what JSON.parse and zod refuse: ${text}`);
        assert.deepStrictEqual(decoded, expected.value);
        assert.equal(JSON.stringify(decoded), JSON.stringify(expected.value));
        assert.ok(Object.is(decoded.value, (expected.value as { value: number }).value), 'the same double, -0 too');
      }),
      { numRuns: 5000 },
    );
    // the property is only worth something if the fast path was taken often
    assert.ok(fast > 200, `fast path taken in ${fast} of 5000 runs`);
  });

  it('decodes every name right when the same ones come again and when far more come than it remembers', () => {
    const event = (i: number) =>
      Buffer.from(
        `{"schema":"tideline.metric/1","metric":"m.${i % 7}","host":"host-${i}","value":1,"ts":1,"tags":{"k":"v${i}"}}`,
      );
    // far more names than the 4,096 kept: each slot is taken by many names in turn
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 20_000; i += 7) {
        const decoded = fastDecodeMetricEventJson(event(i))!;
        assert.deepStrictEqual(
          [decoded.metric, decoded.host, decoded.tags],
          [`m.${i % 7}`, `host-${i}`, { k: `v${i}` }],
        );
      }
  });

  it('reads every double and integer JSON.stringify writes back to the same number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.maxSafeInteger()), (value) => {
        const text = `{"schema":"tideline.metric/1","metric":"m","host":"h","value":${JSON.stringify(value)},"ts":${NOW}}`;
        const decoded = fastDecodeMetricEventJson(Buffer.from(text));
        assert.ok(decoded !== undefined);
        assert.ok(Object.is(decoded.value, JSON.parse(text).value));
      }),
      { numRuns: 5000 },
    );
  });

  it('gives decodeMetricEvent the same results as zod alone on bytes, whichever path a record takes', () => {
    fc.assert(
      fc.property(wire, fc.boolean(), (text, withClock) => {
        const options = withClock ? { nowMs: NOW } : {};
        // a Buffer, as consumed from Kafka, and a plain Uint8Array (TextEncoder) over part of a larger buffer
        const padded = new TextEncoder().encode(` ${text} `);
        for (const bytes of [Buffer.from(text, 'utf8'), padded.subarray(1, padded.length - 1)]) {
          const actual = decodeMetricEvent(bytes, options);
          const expected = decodeMetricEventWithZod(bytes, options);
          assert.deepStrictEqual(actual, expected);
          assert.equal(JSON.stringify(actual), JSON.stringify(expected));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes the compact form with tags, unit and source in any field order, and leaves whitespace, escapes, duplicates and missing fields to JSON.parse', () => {
    const text = `{"schema":"tideline.metric/1","metric":"cpu.total","host":"web-1","value":-0.25,"ts":${NOW},"tags":{"core":"0","b":"x"},"unit":"percent","source":"collector"}`;
    const decoded = fastDecodeMetricEventJson(Buffer.from(text));
    assert.equal(JSON.stringify(decoded), text);
    for (const other of [
      ` ${text}`,
      text.replace('"web-1"', '"web\\u002d1"'),
      text.replace('"core":"0"', '"core":"0","core":"1"'),
      text.replace(',"unit":"percent"', ',"unit":"percent","unit":"ms"'),
    ])
      assert.equal(fastDecodeMetricEventJson(Buffer.from(other)), undefined, other);
    // fields in another order (the e2e bench writes tags before value): the same event, keys in schema order
    const reordered = `{"source":"sdk","tags":{"b":"x"},"ts":${NOW},"value":2.5,"host":"h","metric":"m","schema":"tideline.metric/1"}`;
    assert.equal(
      JSON.stringify(fastDecodeMetricEventJson(Buffer.from(reordered))),
      JSON.stringify(metricEventSchema.parse(JSON.parse(reordered))),
    );
    for (const missing of ['"host":"h",', ',"schema":"tideline.metric/1"'])
      assert.equal(fastDecodeMetricEventJson(Buffer.from(reordered.replace(missing, ''))), undefined, missing);
    assert.deepStrictEqual(
      fastDecodeMetricEventJson(Buffer.from(`{"schema":"tideline.metric/1","metric":"m","host":"h","value":1,"ts":5}`)),
      { schema: 'tideline.metric/1', metric: 'm', host: 'h', value: 1, ts: 5, tags: {} },
    );
  });
});
