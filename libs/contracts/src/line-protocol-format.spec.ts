import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseLineProtocol } from './line-protocol';
import {
  escapeMeasurement,
  escapeTagKey,
  escapeTagValue,
  formatLine,
  LineFormatError,
  lineProtocolNameProblem,
} from './line-protocol-format';
import { METRIC_EVENT_SCHEMA, RESERVED_TAG_KEYS, type MetricEvent } from './metric-event.schema';

const TS = 1_767_225_600_000;

function throwsLineFormatError(write: () => unknown, field: string, problem: RegExp): void {
  assert.throws(write, (error: unknown) => {
    assert.ok(error instanceof LineFormatError, `expected LineFormatError, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.match(error.problem, problem);
    assert.equal(error.retriable, false);
    return true;
  });
}

/**
 * How InfluxDB 1.x reads one line of numeric fields, ported from influxdata/influxdb `models/points.go` (scanKey,
 * scanMeasurement, scanTagsValue, scanFields, walkTags, walkFields, unescapeTag, point.Name, FieldIterator.Next) and
 * `pkg/escape/bytes.go` (Unescape): the oracle for what the database stores, independent of our parser. Its key
 * scanner treats any character after a backslash as escaped (no pairing); its field scanner skips backslash pairs.
 */
function readAsInfluxDb1(line: string): {
  measurement: string;
  tags: Record<string, string>;
  fields: [string, number][];
  ts: number;
} {
  const keyEnd = indexOfUnescaped(line, ' ', 0);
  let fieldsEnd = keyEnd + 1;
  while (fieldsEnd < line.length && line[fieldsEnd] !== ' ') fieldsEnd += line[fieldsEnd] === '\\' ? 2 : 1;
  const [name = '', ...tagParts] = splitUnescaped(line.slice(0, keyEnd), ',');
  const tags: Record<string, string> = {};
  for (const tag of tagParts) {
    const eq = indexOfUnescaped(tag, '=', 0);
    Object.defineProperty(tags, unescapeTag(tag.slice(0, eq)), {
      value: unescapeTag(tag.slice(eq + 1)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const fields: [string, number][] = [];
  const fieldSet = line.slice(keyEnd + 1, fieldsEnd);
  for (let i = 0; i < fieldSet.length;) {
    const eq = indexOfUnescaped(fieldSet, '=', i);
    const comma = fieldSet.indexOf(',', eq); // numeric values hold no comma
    const end = comma === -1 ? fieldSet.length : comma;
    fields.push([unescapeAll(fieldSet.slice(i, eq)), Number(fieldSet.slice(eq + 1, end))]);
    i = end + 1;
  }
  return { measurement: unescapeAll(name), tags, fields, ts: Number(line.slice(fieldsEnd + 1)) };
}

function indexOfUnescaped(text: string, stop: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === stop && (i === 0 || text[i - 1] !== '\\')) return i;
  return text.length;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start <= text.length;) {
    const end = indexOfUnescaped(text, separator, start);
    parts.push(text.slice(start, end));
    start = end + 1;
  }
  return parts;
}

/** `unescapeTag`: three replacements, one after another. */
function unescapeTag(text: string): string {
  return text.replaceAll('\\,', ',').replaceAll('\\ ', ' ').replaceAll('\\=', '=');
}

/** `escape.Unescape` (measurements; field keys go through the equivalent `AppendUnescaped`). */
function unescapeAll(text: string): string {
  return text.replace(/\\([," =])/g, '$1');
}

/** Name characters: every one line protocol treats specially, control characters, surrogate halves, and the rest. */
const nameUnit = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(',', ' ', '=', '"', '\\', '#', '.', '\n', '\r', '\t', '\u007f', '\ud800', '\udc00'),
  },
  { weight: 1, arbitrary: fc.constantFrom('é', '😀', '\uffff', '\u2028', 'ß', '中') },
  { weight: 4, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
);
/** A name {@link lineProtocolNameProblem} accepts, up to the parser's limits. */
const writableName = fc
  .string({ unit: nameUnit, minLength: 1, maxLength: 12 })
  .filter((name) => lineProtocolNameProblem(name) === undefined);
/** Measurements and field keys also must not hold a backslash before `"`; a measurement must not start with `#`. */
const writableMeasurement = writableName.filter((name) => !name.includes('\\"') && !name.startsWith('#'));
const writableFieldKey = writableName.filter((name) => !name.includes('\\"'));

describe('lineProtocolNameProblem', () => {
  it('names every control character U+0000–U+001F and U+007F by its code point', () => {
    for (let code = 0; code < 0x20; code++) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      assert.equal(
        lineProtocolNameProblem(`a${String.fromCharCode(code)}b`),
        `contains a control character (U+${hex})`,
      );
    }
    assert.equal(lineProtocolNameProblem('a\u007f'), 'contains a control character (U+007F)');
    assert.equal(lineProtocolNameProblem('cpu\nforged,host=x value=1'), 'contains a control character (U+000A)');
  });

  it('refuses a trailing backslash, however many', () => {
    assert.equal(lineProtocolNameProblem('web-1\\'), 'ends with a backslash');
    assert.equal(lineProtocolNameProblem('web-1\\\\'), 'ends with a backslash');
    assert.equal(lineProtocolNameProblem('\\'), 'ends with a backslash');
  });

  it('refuses a backslash before a comma, space or equals sign, which InfluxDB 1.x would read as an escape', () => {
    assert.equal(lineProtocolNameProblem('a\\,b'), 'has a backslash before a comma');
    assert.equal(lineProtocolNameProblem('a\\ b'), 'has a backslash before a space');
    assert.equal(lineProtocolNameProblem('a\\=b'), 'has a backslash before an equals sign');
  });

  it('refuses an unpaired surrogate, which has no UTF-8 form', () => {
    assert.equal(lineProtocolNameProblem('a\ud800'), 'contains an unpaired surrogate (U+D800)');
    assert.equal(lineProtocolNameProblem('\ud800b'), 'contains an unpaired surrogate (U+D800)');
    assert.equal(lineProtocolNameProblem('a\udc00'), 'contains an unpaired surrogate (U+DC00)');
  });

  it('accepts separators, quotes, other backslashes and any other unicode', () => {
    for (const name of ['a, b=c', '"quoted"', 'C:\\Temp', 'a\\\\b', 'a\\"b', '\\n', 'é😀\uffff\u2028', '#1', ' ']) {
      assert.equal(lineProtocolNameProblem(name), undefined, JSON.stringify(name));
    }
  });

  it('leaves emptiness to the schemas', () => {
    assert.equal(lineProtocolNameProblem(''), undefined);
  });

  it('reports the first problem along the name', () => {
    assert.equal(lineProtocolNameProblem('a\\,b\n'), 'has a backslash before a comma');
    assert.equal(lineProtocolNameProblem('a\nb\\'), 'contains a control character (U+000A)');
  });
});

describe('escapeMeasurement, escapeTagKey, escapeTagValue', () => {
  it('escape comma and space in a measurement, and also "=" in tag keys and values (InfluxDB 1.x rules)', () => {
    assert.equal(escapeMeasurement('my meas,ure=ment'), 'my\\ meas\\,ure=ment');
    assert.equal(escapeTagKey('tag key,1=x'), 'tag\\ key\\,1\\=x');
    assert.equal(escapeTagValue('va=l u,e'), 'va\\=l\\ u\\,e');
  });

  it('leave quotes, other backslashes and unicode as they are', () => {
    assert.equal(escapeTagValue('C:\\Temp "x" é😀'), 'C:\\Temp\\ "x"\\ é😀');
  });

  it('refuse a name with a line break instead of forging a row', () => {
    throwsLineFormatError(() => escapeTagValue('cpu\nforged,host=x value=1'), 'tag value', /U\+000A/);
    throwsLineFormatError(() => escapeTagKey('a\r'), 'tag key', /U\+000D/);
    throwsLineFormatError(() => escapeMeasurement('m\n'), 'measurement', /U\+000A/);
  });

  it('refuse a name ending with a backslash, which would escape the separator after it', () => {
    throwsLineFormatError(() => escapeTagValue('web-1\\'), 'tag value', /^ends with a backslash$/);
  });

  it('refuse empty names', () => {
    throwsLineFormatError(() => escapeTagValue(''), 'tag value', /^is empty$/);
    throwsLineFormatError(() => escapeTagKey(''), 'tag key', /^is empty$/);
    throwsLineFormatError(() => escapeMeasurement(''), 'measurement', /^is empty$/);
  });

  it('refuse a measurement starting with "#" (a comment) or holding a backslash before a quote', () => {
    throwsLineFormatError(() => escapeMeasurement('#cpu'), 'measurement', /comment/);
    throwsLineFormatError(() => escapeMeasurement('a\\"b'), 'measurement', /backslash before a double quote/);
    assert.equal(escapeMeasurement('cpu#1'), 'cpu#1');
  });
});

describe('formatLine', () => {
  it('writes measurement, sorted tags, fields in order and the ms timestamp', () => {
    assert.equal(
      formatLine('points', { metric: 'cpu.total', host: 'web 1', core: '0' }, { value: 1.5, n: 2 }, TS),
      `points,core=0,host=web\\ 1,metric=cpu.total value=1.5,n=2 ${TS}`,
    );
  });

  it('leaves out tags whose value is empty or undefined', () => {
    assert.equal(formatLine('m', { a: '', b: undefined, c: 'x' }, { v: 1 }, 0), 'm,c=x v=1 0');
  });

  it('sorts tag keys in UTF-8 byte order, as InfluxDB does, also beyond U+FFFF', () => {
    // UTF-16 order would put "😀" (U+1F600, surrogates D83D DE00) before "\uffff"; UTF-8 and InfluxDB do not
    assert.equal(
      formatLine('m', { '😀': '2', '\uffff': '1', B: '0', a: '0' }, { v: 1 }, 0),
      'm,B=0,a=0,\uffff=1,😀=2 v=1 0',
    );
  });

  it('writes floats exactly, keeping the sign of -0', () => {
    const line = formatLine('m', { host: 'h' }, { a: -0, b: 5e-324, c: 1e21, d: -1.7976931348623157e308 }, 0);
    assert.equal(line, 'm,host=h a=-0,b=5e-324,c=1e+21,d=-1.7976931348623157e+308 0');
    const values = parseLineProtocol(line, { precision: 'ms' }).events.map((event) => event.value);
    assert.deepStrictEqual(values, [-0, 5e-324, 1e21, -1.7976931348623157e308]);
  });

  it('refuses what it cannot write exactly, naming what and why', () => {
    throwsLineFormatError(() => formatLine('m', { core: '0\\' }, { v: 1 }, 0), 'tags.core', /^ends with a backslash$/);
    throwsLineFormatError(() => formatLine('m', { 'a\n': 'x' }, { v: 1 }, 0), 'tag key "a\\n"', /U\+000A/);
    throwsLineFormatError(() => formatLine('m', {}, { 'v\\"': 1 }, 0), 'field key "v\\\\\\""', /double quote/);
    throwsLineFormatError(() => formatLine('m', {}, { '': 1 }, 0), 'field key ""', /^is empty$/);
    throwsLineFormatError(() => formatLine('m', {}, {}, 0), 'fields', /at least one field/);
    throwsLineFormatError(() => formatLine('m', {}, { v: Number.NaN }, 0), 'fields.v', /finite number, got NaN/);
    throwsLineFormatError(() => formatLine('m', {}, { v: Infinity }, 0), 'fields.v', /finite number, got Infinity/);
    throwsLineFormatError(() => formatLine('m', {}, { v: 1 }, 1.5), 'ts', /integer/);
    throwsLineFormatError(() => formatLine('m', {}, { v: 1 }, -1), 'ts', /non-negative/);
  });

  it('writes a tag value with a comma, space and equals sign escaped, and the parser reads it back', () => {
    const line = formatLine('points', { host: 'web-1', path: 'a,b c=d' }, { value: 1 }, TS);
    assert.equal(line, `points,host=web-1,path=a\\,b\\ c\\=d value=1 ${TS}`);
    assert.deepEqual(parseLineProtocol(line, { precision: 'ms' }).events[0]?.tags, { path: 'a,b c=d' });
  });

  describe('round trip', () => {
    const point = fc.record({
      measurement: writableMeasurement,
      host: writableName,
      tags: fc.dictionary(writableName, fc.oneof(writableName, fc.constant('')), { maxKeys: 5 }),
      fields: fc.uniqueArray(fc.tuple(writableFieldKey, fc.double({ noNaN: true, noDefaultInfinity: true })), {
        selector: ([key]) => key,
        minLength: 1,
        maxLength: 4,
      }),
      ts: fc.maxSafeNat(),
    });

    /** The tags as an object with own properties only, without a reserved key (the parser refuses "__proto__"). */
    function tagsWithHost(tags: Record<string, string>, host: string): Record<string, string> {
      const entries = Object.entries(tags).filter(([key]) => key !== 'host' && !RESERVED_TAG_KEYS.has(key));
      return Object.fromEntries([...entries, ['host', host]]);
    }

    it('parses back exactly the measurement, tags, fields and timestamp written, for any writable names', () => {
      fc.assert(
        fc.property(point, ({ measurement, host, tags, fields, ts }) => {
          const allTags = tagsWithHost(tags, host);
          const fieldSet = Object.fromEntries(fields);
          const line = formatLine(measurement, allTags, fieldSet, ts);
          const result = parseLineProtocol(line, { precision: 'ms' });
          assert.deepStrictEqual(result.errors, [], line);
          const otherTags = Object.fromEntries(
            Object.entries(allTags).filter(([key, v]) => key !== 'host' && v !== ''),
          );
          // fields in the object's own order (integer-like keys first), which is the order they are written in
          const expected: MetricEvent[] = Object.entries(fieldSet).map(([key, value]) => ({
            schema: METRIC_EVENT_SCHEMA,
            metric: `${measurement}.${key}`,
            host,
            value,
            ts,
            tags: otherTags,
            source: 'telegraf',
          }));
          assert.deepStrictEqual(result.events, expected, line);
        }),
        { numRuns: 1000 },
      );
    });

    it('is read back exactly by InfluxDB 1.x scanning rules too (models/points.go)', () => {
      fc.assert(
        fc.property(point, ({ measurement, host, tags, fields, ts }) => {
          const allTags = tagsWithHost(tags, host);
          const fieldSet = Object.fromEntries(fields);
          const line = formatLine(measurement, allTags, fieldSet, ts);
          const stored = readAsInfluxDb1(line);
          assert.deepStrictEqual(
            stored,
            {
              measurement,
              tags: Object.fromEntries(Object.entries(allTags).filter(([, value]) => value !== '')),
              fields: Object.entries(fieldSet),
              ts,
            },
            line,
          );
        }),
        { numRuns: 1000 },
      );
    });

    it('refuses exactly the names lineProtocolNameProblem refuses, so no control character reaches a line', () => {
      fc.assert(
        fc.property(fc.string({ unit: nameUnit, minLength: 1, maxLength: 12 }), (name) => {
          let line: string | undefined;
          try {
            line = formatLine('m', { host: 'h', t: name }, { v: 1 }, 0);
          } catch (error) {
            assert.ok(error instanceof LineFormatError);
            assert.notEqual(lineProtocolNameProblem(name), undefined);
            return;
          }
          assert.equal(lineProtocolNameProblem(name), undefined);
          const control = Array.from(line).find((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
          assert.equal(control, undefined, line);
        }),
        { numRuns: 1000 },
      );
    });
  });
});
