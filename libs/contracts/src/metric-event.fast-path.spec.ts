import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMetricEvent, decodeMetricEventWithZod } from './event-codec';
import { LIMITS } from './limits';
import { decodeMetricRecord } from './metric-record.decoder';
import { fastParseFreshMetricEvent, fastParseMetricEvent } from './metric-event.fast-path';
import { metricEventSchema } from './metric-event.schema';

const NOW = Date.UTC(2026, 0, 1);
const FIELDS = ['schema', 'metric', 'host', 'value', 'ts', 'tags', 'unit', 'source'] as const;

/**
 * Strings around every length limit, including empty, astral and `__proto__`-like keys, and names line protocol
 * cannot carry (dead-lettered as `name_not_writable`) next to ones it can.
 */
const name = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'toString', '0', '😀') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'cpu\nforged,host=x value=1',
      'web-1\\',
      'a\\,b',
      'a\\=b',
      'tab\there',
      '\u007f',
      '\ud800',
      'C:\\Temp',
      'a, b=c "d"',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 250, max: 260 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 0, maxLength: 300 }) },
);
const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1.5, -1, NOW, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, NaN, Infinity, -Infinity),
);
const timestamp = fc.oneof(fc.integer({ min: NOW - 10 * 365 * 86_400_000, max: NOW + 3_600_000 }), number);
const tags = fc.oneof(
  fc.dictionary(name, name, { maxKeys: 4 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ minLength: 1, maxLength: 4 }), {
    minKeys: LIMITS.maxTags - 2,
    maxKeys: LIMITS.maxTags + 2,
  }),
);
const unit = fc.oneof(fc.string({ maxLength: 34 }), fc.constantFrom('ms', 'bytes', ''));
const source = fc.oneof(
  fc.constantFrom('collector', 'sdk', 'telegraf', 'replay', 'other'),
  fc.string({ maxLength: 9 }),
);
const schema = fc.oneof(
  { weight: 8, arbitrary: fc.constant('tideline.metric/1') },
  { weight: 1, arbitrary: fc.constantFrom('tideline.metric/2', 'tideline.alert/1', '', 'TIDELINE.METRIC/1') },
);

const validish = fc.record(
  { schema, metric: name, host: name, value: number, ts: timestamp, tags, unit, source },
  { requiredKeys: ['schema', 'metric', 'host', 'value', 'ts'] },
);

/** Events zod accepts, so the fast path's output is compared, not just its refusals. */
const valid = fc.record(
  {
    schema: fc.constant('tideline.metric/1'),
    metric: fc.string({ minLength: 1, maxLength: 24 }),
    host: fc.string({ minLength: 1, maxLength: 24 }),
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    ts: fc.integer({ min: NOW - 86_400_000, max: NOW + 60_000 }),
    tags: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), {
      maxKeys: 5,
    }),
    unit: fc.string({ maxLength: 8 }),
    source: fc.constantFrom('collector', 'sdk', 'telegraf', 'replay', 'other'),
  },
  { requiredKeys: ['schema', 'metric', 'host', 'value', 'ts'] },
);

/** A plausible event with one field removed, replaced by any JSON value, or one unknown field added. */
const mutated = fc
  .tuple(validish, fc.constantFrom(...FIELDS, 'extra', '__proto__'), fc.oneof(fc.jsonValue(), fc.constant(undefined)))
  .map(([event, field, replacement]) => {
    const copy: Record<string, unknown> = { ...event };
    if (replacement === undefined) delete copy[field];
    else copy[field] = replacement;
    return copy;
  });

const anyValue = fc.oneof(
  { weight: 3, arbitrary: valid },
  { weight: 3, arbitrary: validish },
  { weight: 4, arbitrary: mutated },
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.array(validish, { maxLength: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 0, 42, 'tideline.metric/1', true, [], {}) },
);

/** JSON text in which non-finite numbers survive as they would on the wire: `1e999` is Infinity, NaN breaks JSON. */
function toWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'number' || Number.isFinite(v)) return v;
    return Number.isNaN(v) ? '@@NaN@@' : v > 0 ? '@@+Inf@@' : '@@-Inf@@';
  })
    .replaceAll('"@@NaN@@"', 'NaN')
    .replaceAll('"@@+Inf@@"', '1e999')
    .replaceAll('"@@-Inf@@"', '-1e999');
}

describe('fastParseMetricEvent', () => {
  it('gives the same decode result as zod alone for any input: ok/error, value, reason, field and message', () => {
    let fast = 0;
    fc.assert(
      fc.property(anyValue, fc.boolean(), (value, withClock) => {
        const wire = toWire(value);
        if (wire === undefined) return;
        const options = withClock ? { nowMs: NOW } : {};
        for (const input of [wire, new TextEncoder().encode(wire)]) {
          const expected = decodeMetricEventWithZod(input, options);
          const actual = decodeMetricEvent(input, options);
          assert.deepStrictEqual(actual, expected);
          // deepStrictEqual ignores key order; the re-encoded event must not change
          assert.equal(JSON.stringify(actual), JSON.stringify(expected));
        }
        try {
          if (fastParseMetricEvent(JSON.parse(wire)) !== undefined) fast++;
        } catch {
          // invalid JSON never reaches the validator
        }
      }),
      { numRuns: 3000 },
    );
    // the property is only worth something if both paths were exercised
    assert.ok(fast > 600 && fast < 2400, `fast path taken in ${fast} of 3000 runs`);
  });

  it('accepts only what zod accepts and returns the same object, for arbitrary JavaScript values too', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, fc.anything({ withNullPrototype: true, withObjectString: true })), (value) => {
        const fast = fastParseMetricEvent(value);
        if (fast === undefined) return;
        const zod = metricEventSchema.safeParse(value);
        assert.ok(zod.success, 'fast path accepted what zod rejects');
        assert.deepStrictEqual(fast, zod.data);
        assert.equal(JSON.stringify(fast), JSON.stringify(zod.data));
      }),
      { numRuns: 3000 },
    );
  });

  it('applies the tags default and returns a fresh object', () => {
    const input = { schema: 'tideline.metric/1', metric: 'cpu', host: 'a', value: 1, ts: NOW };
    const parsed = fastParseMetricEvent(input);
    assert.deepStrictEqual(parsed, { ...input, tags: {} });
    assert.notEqual(parsed, input);
  });

  it('returns a fresh JSON value itself when its fields come in schema order, and the same event as zod either way', () => {
    let adopted = 0;
    fc.assert(
      fc.property(anyValue, fc.boolean(), (value, shuffle) => {
        const wire = toWire(value);
        if (wire === undefined) return;
        let json: unknown;
        try {
          json = JSON.parse(wire);
        } catch {
          return;
        }
        if (shuffle && typeof json === 'object' && json !== null && !Array.isArray(json))
          json = Object.fromEntries(Object.entries(json).reverse());
        const zod = metricEventSchema.safeParse(json);
        const fast = fastParseFreshMetricEvent(json);
        if (fast === undefined) return;
        assert.ok(zod.success, 'fast path accepted what zod rejects');
        assert.deepStrictEqual(fast, zod.data);
        assert.equal(JSON.stringify(fast), JSON.stringify(zod.data), 'same fields in the same order');
        if (fast === json) adopted++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(adopted > 150, `the value itself returned in ${adopted} of 3000 runs`);
  });

  it('copies a fresh JSON value whose fields are out of schema order, or that lacks tags before a unit', () => {
    const inOrder = JSON.parse(
      `{"schema":"tideline.metric/1","metric":"cpu","host":"a","value":1,"ts":${NOW}}`,
    ) as object;
    const parsed = fastParseFreshMetricEvent(inOrder);
    assert.equal(parsed, inOrder);
    assert.deepStrictEqual(Object.keys(parsed!), ['schema', 'metric', 'host', 'value', 'ts', 'tags']);
    for (const wire of [
      `{"metric":"cpu","schema":"tideline.metric/1","host":"a","value":1,"ts":${NOW},"tags":{}}`,
      `{"schema":"tideline.metric/1","metric":"cpu","host":"a","value":1,"ts":${NOW},"unit":"ms"}`,
    ]) {
      const json = JSON.parse(wire) as object;
      const fresh = fastParseFreshMetricEvent(json);
      assert.notEqual(fresh, json);
      assert.equal(JSON.stringify(fresh), JSON.stringify(metricEventSchema.parse(json)));
    }
  });

  it('leaves a "__proto__" tag key, an explicit undefined field and a class instance to zod', () => {
    const base = { schema: 'tideline.metric/1', metric: 'cpu', host: 'a', value: 1, ts: NOW };
    assert.equal(fastParseMetricEvent(JSON.parse('{"__proto__":"x"}') as unknown), undefined);
    assert.equal(fastParseMetricEvent({ ...base, tags: JSON.parse('{"__proto__":"x"}') as unknown }), undefined);
    assert.equal(fastParseMetricEvent({ ...base, unit: undefined }), undefined);
    assert.equal(fastParseMetricEvent(Object.assign(Object.create({ inherited: 1 }) as object, base)), undefined);
  });

  it('leaves a name line protocol cannot carry to zod, which gives reason name_not_writable on both paths', () => {
    const base = { schema: 'tideline.metric/1', metric: 'cpu', host: 'a', value: 1, ts: NOW };
    for (const event of [
      { ...base, metric: 'cpu\nforged,host=x value=1' },
      { ...base, host: 'web-1\\' },
      { ...base, tags: { core: '0\\' } },
      { ...base, tags: { 'core\\': '0' } },
    ]) {
      assert.equal(fastParseMetricEvent(event), undefined);
      const wire = JSON.stringify(event);
      const fast = decodeMetricEvent(wire, { nowMs: NOW });
      assert.deepStrictEqual(fast, decodeMetricEventWithZod(wire, { nowMs: NOW }));
      assert.equal(fast.ok ? undefined : fast.error.reason, 'name_not_writable');
    }
  });

  it('keeps dead-letter reasons of decodeMetricRecord: value_not_finite for 1e999', () => {
    const wire = `{"schema":"tideline.metric/1","metric":"cpu","host":"a","value":1e999,"ts":${NOW}}`;
    const result = decodeMetricRecord(new TextEncoder().encode(wire), { nowMs: NOW });
    assert.equal(result.failure?.reason, 'value_not_finite');
  });
});
