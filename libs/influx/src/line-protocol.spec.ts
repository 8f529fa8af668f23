import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toLineProtocol } from './line-protocol';
import { InfluxError } from './influx-errors';

describe('toLineProtocol', () => {
  it('writes measurement, sorted tags, typed fields and a ms timestamp', () => {
    assert.equal(
      toLineProtocol({
        measurement: 'points',
        tags: { series: 'cpu|host=a', host: 'a' },
        fields: { value: 1.5, count: 3n, ok: true, note: 'hi' },
        timestampMs: 1767225600000,
      }),
      'points,host=a,series=cpu|host\\=a value=1.5,count=3i,ok=true,note="hi" 1767225600000',
    );
  });

  it('escapes commas and spaces in the measurement; commas, equals and spaces in keys and tag values', () => {
    assert.equal(
      toLineProtocol({ measurement: 'my m,x', tags: { 'k =,': 'v =,' }, fields: { 'f =,': 1 } }),
      'my\\ m\\,x,k\\ \\=\\,=v\\ \\=\\, f\\ \\=\\,=1',
    );
  });

  it('escapes quotes and backslashes in string fields', () => {
    assert.equal(toLineProtocol({ measurement: 'm', fields: { s: 'a "b" \\c' } }), 'm s="a \\"b\\" \\\\c"');
  });

  it('drops empty tag values, which InfluxDB would refuse', () => {
    assert.equal(toLineProtocol({ measurement: 'm', tags: { a: '', b: 'x' }, fields: { v: 1 } }), 'm,b=x v=1');
  });

  it('writes large, small and negative floats in a form InfluxDB parses', () => {
    assert.equal(
      toLineProtocol({ measurement: 'm', fields: { a: 1e21, b: -2.5e-7, c: 0 } }),
      'm a=1e+21,b=-2.5e-7,c=0',
    );
  });

  for (const [name, point, pattern] of [
    ['a NaN field', { measurement: 'm', fields: { v: Number.NaN } }, /field "v" must be a finite number, got NaN/],
    ['an infinite field', { measurement: 'm', fields: { v: Infinity } }, /finite number, got Infinity/],
    ['no fields', { measurement: 'm', fields: {} }, /has no fields/],
    ['an empty measurement', { measurement: '', fields: { v: 1 } }, /measurement must not be empty/],
    ['a fractional timestamp', { measurement: 'm', fields: { v: 1 }, timestampMs: 1.5 }, /must be an integer/],
    // it would end the line and start a forged one
    ['a line break in a tag', { measurement: 'm', tags: { t: 'a\nb' }, fields: { v: 1 } }, /control character/],
    // it would escape the comma that follows it
    [
      'a tag value ending in a backslash',
      { measurement: 'm', tags: { t: 'a\\', u: 'b' }, fields: { v: 1 } },
      /backslash/,
    ],
  ] as const) {
    it(`refuses ${name} with a non-retriable InfluxError`, () => {
      assert.throws(
        () => toLineProtocol(point),
        (error: unknown) => error instanceof InfluxError && !error.retriable && pattern.test(error.message),
      );
    });
  }
});
