import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from './limits';
import { METRIC_EVENT_SCHEMA, parseMetricEvent, type MetricEvent } from './metric-event.schema';
import { ContractValidationError } from './validation-error';

const valid: MetricEvent = {
  schema: METRIC_EVENT_SCHEMA,
  metric: 'cpu.total',
  host: 'web-1',
  value: 12.5,
  ts: 1_767_225_600_000,
  tags: { region: 'eu', core: '0' },
  unit: 'percent',
  source: 'collector',
};

function rejects(input: unknown, field: string, reason: RegExp, code?: string): void {
  assert.throws(
    () => parseMetricEvent(input),
    (error: unknown) => {
      assert.ok(error instanceof ContractValidationError, `expected ContractValidationError, got ${String(error)}`);
      assert.equal(error.field, field);
      assert.match(error.message, new RegExp(`field "${field.replace(/[.()]/g, '\\$&')}"`));
      assert.match(error.message, reason);
      if (code) assert.equal(error.code, code);
      assert.equal(error.retriable, false);
      return true;
    },
  );
}

describe('parseMetricEvent', () => {
  it('round-trips a valid event through JSON encode, decode and parse unchanged', () => {
    const wire = Buffer.from(JSON.stringify(valid), 'utf8');
    assert.deepEqual(parseMetricEvent(JSON.parse(wire.toString('utf8'))), valid);
  });

  it('fills in empty tags when they are absent', () => {
    const { tags: _tags, ...withoutTags } = valid;
    assert.deepEqual(parseMetricEvent(withoutTags).tags, {});
  });

  for (const field of ['schema', 'metric', 'host', 'value', 'ts'] as const) {
    it(`rejects an event without "${field}", naming it as required`, () => {
      const { [field]: _dropped, ...rest } = valid;
      rejects(rest, field, /is required/, 'required');
    });
  }

  it('rejects a value of the wrong type naming the field and what it got', () => {
    rejects({ ...valid, value: '12.5' }, 'value', /must be number, got "12\.5"/, 'wrong_type');
    rejects({ ...valid, host: 7 }, 'host', /must be string, got 7/, 'wrong_type');
    rejects({ ...valid, tags: ['a'] }, 'tags', /must be record, got an array/, 'wrong_type');
  });

  it('rejects a NaN value as not finite', () => {
    rejects({ ...valid, value: Number.NaN }, 'value', /must be a finite number, got NaN/, 'not_finite');
  });

  it('rejects ±Infinity as not finite', () => {
    rejects({ ...valid, value: Number.POSITIVE_INFINITY }, 'value', /finite number, got Infinity/, 'not_finite');
    rejects({ ...valid, value: Number.NEGATIVE_INFINITY }, 'value', /finite number, got -Infinity/, 'not_finite');
  });

  it('rejects a fractional or negative timestamp', () => {
    rejects({ ...valid, ts: 1.5 }, 'ts', /must be an integer/, 'not_integer');
    rejects({ ...valid, ts: -1 }, 'ts', /at least 0/, 'out_of_range');
  });

  it('rejects an unknown schema version naming the version it got', () => {
    rejects(
      { ...valid, schema: 'tideline.metric/2' },
      'schema',
      /"tideline\.metric\/2", expected "tideline\.metric\/1"/,
      'unsupported_schema',
    );
  });

  it('rejects an oversized host, metric, tag value or unit naming the field', () => {
    const long = 'x'.repeat(LIMITS.maxNameLength + 1);
    rejects({ ...valid, host: long }, 'host', /at most 256 characters/, 'too_long');
    rejects({ ...valid, metric: long }, 'metric', /at most 256 characters/, 'too_long');
    rejects({ ...valid, tags: { region: long } }, 'tags.region', /at most 256 characters/, 'too_long');
    rejects({ ...valid, unit: 'u'.repeat(33) }, 'unit', /at most 32 characters/, 'too_long');
  });

  it('accepts a name of exactly the maximum length', () => {
    assert.equal(
      parseMetricEvent({ ...valid, host: 'h'.repeat(LIMITS.maxNameLength) }).host.length,
      LIMITS.maxNameLength,
    );
  });

  it('rejects an oversized or empty tag key naming the tags field', () => {
    rejects({ ...valid, tags: { ['k'.repeat(300)]: 'v' } }, 'tags', /invalid key .*at most 256 characters/);
    rejects({ ...valid, tags: { '': 'v' } }, 'tags', /invalid key ""/);
  });

  it('rejects a metric, host, tag value or tag key that line protocol cannot carry, with code "not_writable"', () => {
    rejects(
      { ...valid, metric: 'cpu\nforged,host=x value=1' },
      'metric',
      /control character \(U\+000A\)/,
      'not_writable',
    );
    rejects({ ...valid, host: 'web-1\\' }, 'host', /ends with a backslash/, 'not_writable');
    rejects({ ...valid, tags: { core: 'a\\=b' } }, 'tags.core', /backslash before an equals sign/, 'not_writable');
    rejects({ ...valid, tags: { 'co\rre': '0' } }, 'tags', /invalid key "co\\rre": .*U\+000D/, 'not_writable');
  });

  it('accepts commas, spaces, equals signs, quotes and inner backslashes in names', () => {
    const tags = { 'data center': 'a,b c=d', path: 'C:\\Temp\\"x"' };
    assert.deepEqual(parseMetricEvent({ ...valid, host: 'web 1,2', tags }).tags, tags);
  });

  it(`rejects more than ${LIMITS.maxTags} tags and accepts exactly ${LIMITS.maxTags}`, () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    rejects({ ...valid, tags: tags(LIMITS.maxTags + 1) }, 'tags', /at most 32 tags/, 'too_many');
    assert.equal(Object.keys(parseMetricEvent({ ...valid, tags: tags(LIMITS.maxTags) }).tags).length, LIMITS.maxTags);
  });

  it('rejects an empty metric name and an unknown source', () => {
    rejects({ ...valid, metric: '' }, 'metric', /at least 1 characters/);
    rejects({ ...valid, source: 'carrier-pigeon' }, 'source', /must be one of/);
  });

  it('rejects an unknown field naming it', () => {
    rejects({ ...valid, vlaue: 3 }, 'vlaue', /is not a known field/, 'unknown_field');
  });

  it('rejects a payload that is not an object', () => {
    rejects(null, '(root)', /must be object, got null/);
    rejects('cpu 1', '(root)', /must be object/);
  });

  it('lists every failing field in issues, the first one in the message', () => {
    try {
      parseMetricEvent({ ...valid, host: 1, value: 'x' });
      assert.fail('expected a ContractValidationError');
    } catch (error) {
      assert.ok(error instanceof ContractValidationError);
      assert.deepEqual(
        error.issues.map((issue) => issue.field),
        ['host', 'value'],
      );
    }
  });
});
