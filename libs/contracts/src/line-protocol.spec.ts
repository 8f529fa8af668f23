import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LIMITS } from './limits';
import { parseLineProtocol, parseLineProtocolStrict } from './line-protocol';
import { LINE_PROTOCOL_ERROR_REASONS, LineProtocolError, type LineProtocolErrorReason } from './line-protocol-error';
import { parseMetricEvent } from './metric-event.schema';

/** The only error of a one-line input, asserting there is exactly one. */
function errorOf(text: string, options = {}): LineProtocolError {
  const result = parseLineProtocol(text, options);
  assert.equal(result.events.length, 0, `expected no events from ${JSON.stringify(text)}`);
  assert.equal(result.errors.length, 1, `expected one error from ${JSON.stringify(text)}`);
  return result.errors[0]!;
}

function reasonOf(text: string, options = {}): LineProtocolErrorReason {
  return errorOf(text, options).reason;
}

// Lines below are Telegraf 1.x output (`data_format = "influx"`) for its default inputs, as printed by
// `telegraf --test`; values changed, layout unchanged.
const TELEGRAF_BATCH = [
  'cpu,cpu=cpu-total,host=web-1 usage_guest=0,usage_idle=98.86,usage_iowait=0.1,usage_system=0.45,usage_user=0.54 1700000010000000000',
  'mem,host=web-1 active=1942364160i,available=6044782592i,available_percent=72.8,used=2237607936i,used_percent=26.9 1700000010000000000',
  'disk,device=sda1,fstype=ext4,host=web-1,mode=rw,path=/ free=41093853184i,total=63278391296i,used_percent=31.56 1700000010000000000',
  'diskio,host=web-1,name=sda read_bytes=1234567i,write_bytes=7654321i,io_time=1042i 1700000010000000000',
  'net,host=web-1,interface=eth0 bytes_recv=123456789i,bytes_sent=98765432i,err_in=0i,err_out=0i 1700000010000000000',
  'system,host=web-1 load1=0.12,load15=0.3,load5=0.2,n_cpus=2i,n_users=1i 1700000010000000000',
  'system,host=web-1 uptime_format="3 days,  4:05" 1700000010000000000',
  'processes,host=web-1 blocked=0i,running=1i,sleeping=120i,total=121i,zombies=0i 1700000010000000000',
].join('\n');

describe('parseLineProtocol', () => {
  it('turns a Telegraf cpu line into one event per field named <measurement>.<field>, host from the host tag', () => {
    const { events, errors } = parseLineProtocol(
      'cpu,cpu=cpu0,host=web-1 usage_idle=97.5,usage_user=1.5 1700000000123456789',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(events, [
      {
        schema: 'tideline.metric/1',
        metric: 'cpu.usage_idle',
        host: 'web-1',
        value: 97.5,
        ts: 1700000000123,
        tags: { cpu: 'cpu0' },
        source: 'telegraf',
      },
      {
        schema: 'tideline.metric/1',
        metric: 'cpu.usage_user',
        host: 'web-1',
        value: 1.5,
        ts: 1700000000123,
        tags: { cpu: 'cpu0' },
        source: 'telegraf',
      },
    ]);
  });

  it('parses a whole Telegraf batch; the string-only uptime_format line is rejected with "no_numeric_field"', () => {
    const result = parseLineProtocol(TELEGRAF_BATCH);
    assert.deepEqual(
      result.errors.map((error) => error.reason),
      ['no_numeric_field'],
    );
    assert.match(result.errors[0]!.line, /^system,host=web-1 uptime_format=/);
    assert.equal(result.skippedStringFields, 0);
    assert.equal(result.events.length, 5 + 5 + 3 + 3 + 4 + 5 + 5);
    const byMetric = new Map(result.events.map((event) => [event.metric, event]));
    assert.equal(byMetric.get('mem.available')?.value, 6044782592);
    assert.deepEqual(byMetric.get('disk.used_percent')?.tags, {
      device: 'sda1',
      fstype: 'ext4',
      mode: 'rw',
      path: '/',
    });
    assert.equal(byMetric.get('system.n_cpus')?.value, 2);
    assert.equal(byMetric.get('net.err_in')?.value, 0);
    for (const event of result.events) {
      assert.equal(event.host, 'web-1');
      assert.equal(event.ts, 1700000010000);
      assert.deepEqual(parseMetricEvent(event), event, 'every event satisfies the metric event schema');
    }
  });

  it('skips blank lines and # comments, accepts CRLF line ends and leading whitespace', () => {
    const text = '# telegraf\r\n\r\n  m,host=h a=1 1000000\r\n\n\t m,host=h b=2\r\n';
    const result = parseLineProtocol(text, { defaultTimestampMs: 5 });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.events.map((event) => [event.metric, event.value, event.ts]),
      [
        ['m.a', 1, 1],
        ['m.b', 2, 5],
      ],
    );
  });

  describe('escaping (InfluxDB 1.x rules)', () => {
    it('unescapes "\\," and "\\ " in the measurement, keeping "=" literal', () => {
      const [event] = parseLineProtocolStrict('my\\ meas\\,ure=ment,host=h v=1 0');
      assert.equal(event?.metric, 'my meas,ure=ment.v');
    });

    it('unescapes "\\,", "\\=" and "\\ " in tag keys, tag values and field keys', () => {
      const [event] = parseLineProtocolStrict('m,host=h,tag\\ key\\,1=va\\=l\\ u\\,e fi\\=eld\\ key=1 0');
      assert.deepEqual(event?.tags, { 'tag key,1': 'va=l u,e' });
      assert.equal(event?.metric, 'm.fi=eld key');
    });

    it('keeps a backslash before any other character (Telegraf writes a newline in a tag as the two characters \\n)', () => {
      const [event] = parseLineProtocolStrict('m,host=h,path=C:\\Temp,note=a\\nb v=1 0');
      assert.deepEqual(event?.tags, { path: 'C:\\Temp', note: 'a\\nb' });
    });

    it('lets a backslash pair end a token: "a\\\\,b=c" is tag value "a\\\\", rejected as "name_not_writable"', () => {
      // InfluxDB 1.x would take the comma after the pair as escaped: a value ending in a backslash cannot be written
      const error = errorOf('m,host=h,t=a\\\\,b=c v=1 0');
      assert.equal(error.reason, 'name_not_writable');
      assert.match(error.message, /tags\.t: ends with a backslash$/);
    });

    it('reads quoted string fields with escaped quotes, commas, spaces, "=" and a line break without splitting the line', () => {
      const text = 'm,host=h msg="say \\"hi\\", a=b\nsecond line",v=3i 0\nm,host=h w=4 0';
      const result = parseLineProtocol(text);
      assert.deepEqual(result.errors, []);
      assert.equal(result.skippedStringFields, 1);
      assert.deepEqual(
        result.events.map((event) => [event.metric, event.value]),
        [
          ['m.v', 3],
          ['m.w', 4],
        ],
      );
    });
  });

  describe('field values', () => {
    const cases: Array<[string, number]> = [
      ['1', 1],
      ['-1.5', -1.5],
      ['.5', 0.5],
      ['1.', 1],
      ['+2', 2],
      ['1e3', 1000],
      ['-2.5E-3', -0.0025],
      ['42i', 42],
      ['-42i', -42],
      ['7u', 7],
      ['t', 1],
      ['T', 1],
      ['true', 1],
      ['True', 1],
      ['TRUE', 1],
      ['f', 0],
      ['F', 0],
      ['false', 0],
      ['False', 0],
      ['FALSE', 0],
    ];
    for (const [raw, expected] of cases) {
      it(`reads ${raw} as ${expected}`, () => {
        const [event] = parseLineProtocolStrict(`m,host=h v=${raw} 0`);
        assert.equal(event?.value, expected);
      });
    }

    for (const raw of ['abc', '1.2.3', '1ii', '-1u', '1.5i', '0x10', '1e', '"', '']) {
      it(`rejects ${JSON.stringify(raw)} with reason "invalid_field_value" or "unterminated_string"`, () => {
        const reason = reasonOf(`m,host=h v=${raw} 0`);
        assert.ok(reason === 'invalid_field_value' || reason === 'unterminated_string', reason);
      });
    }

    it('rejects a float that overflows to Infinity with reason "value_not_finite"', () => {
      assert.equal(reasonOf('m,host=h v=1e400 0'), 'value_not_finite');
    });

    for (const raw of ['nan', 'NaN', 'inf', '-Inf', '+infinity', 'Infinity']) {
      it(`rejects ${raw} (not line protocol, but plainly not finite) with reason "value_not_finite"`, () => {
        assert.equal(reasonOf(`m,host=h v=${raw} 0`), 'value_not_finite');
      });
    }

    it('rejects text glued to a closing quote with reason "invalid_field_value"', () => {
      assert.equal(reasonOf('m,host=h s="a"b,v=1 0'), 'invalid_field_value');
    });
  });

  describe('timestamps', () => {
    it('converts nanoseconds to milliseconds by truncation, exactly for values beyond 2^53 ns', () => {
      const [event] = parseLineProtocolStrict('m,host=h v=1 1700000000999999999');
      assert.equal(event?.ts, 1700000000999);
    });

    const precisions: Array<['ns' | 'us' | 'ms' | 's', string, number]> = [
      ['us', '1700000000999999', 1700000000999],
      ['ms', '1700000000999', 1700000000999],
      ['s', '1700000000', 1700000000000],
    ];
    for (const [precision, raw, expected] of precisions) {
      it(`converts precision ${precision} to milliseconds`, () => {
        const [event] = parseLineProtocolStrict(`m,host=h v=1 ${raw}`, { precision });
        assert.equal(event?.ts, expected);
      });
    }

    it('uses the default timestamp for a line without one (trailing spaces allowed)', () => {
      const [event] = parseLineProtocolStrict('m,host=h v=1   ', { defaultTimestampMs: 1234.9 });
      assert.equal(event?.ts, 1234);
    });

    it('rejects a line without timestamp when no default is given, with reason "missing_timestamp"', () => {
      assert.equal(reasonOf('m,host=h v=1'), 'missing_timestamp');
    });

    it('rejects a non-integer timestamp with reason "invalid_timestamp"', () => {
      assert.equal(reasonOf('m,host=h v=1 12a'), 'invalid_timestamp');
      assert.equal(reasonOf('m,host=h v=1 1.5'), 'invalid_timestamp');
    });

    it('rejects characters after the timestamp with reason "invalid_timestamp"', () => {
      assert.equal(reasonOf('m,host=h v=1 1000 extra'), 'invalid_timestamp');
    });

    it('rejects negative and too-large timestamps with reason "timestamp_out_of_range"', () => {
      assert.equal(reasonOf('m,host=h v=1 -1000000'), 'timestamp_out_of_range');
      assert.equal(reasonOf('m,host=h v=1 9999999999999999', { precision: 's' }), 'timestamp_out_of_range');
    });
  });

  describe('host and tags', () => {
    it('uses the default host for a line without a host tag', () => {
      const [event] = parseLineProtocolStrict('m,region=eu v=1 0', { defaultHost: 'fallback' });
      assert.equal(event?.host, 'fallback');
      assert.deepEqual(event?.tags, { region: 'eu' });
    });

    it('rejects a line without a host tag when no default host is given, with reason "missing_host"', () => {
      assert.equal(reasonOf('m,region=eu v=1 0'), 'missing_host');
    });

    it('rejects a tag named __proto__ with reason "tag_key_reserved" (the JSON schema refuses it too)', () => {
      assert.equal(reasonOf('m,host=h,__proto__=x v=1 0'), 'tag_key_reserved');
      const [event] = parseLineProtocolStrict('m,host=h,constructor=x v=1 0');
      assert.deepEqual(Object.entries(event?.tags ?? {}), [['constructor', 'x']]);
    });

    it(`rejects more than ${LIMITS.maxTags} tags besides host with reason "too_many_tags"`, () => {
      const tags = Array.from({ length: LIMITS.maxTags + 1 }, (_, i) => `,t${i}=v`).join('');
      assert.equal(reasonOf(`m,host=h${tags} v=1 0`), 'too_many_tags');
      const allowed = Array.from({ length: LIMITS.maxTags }, (_, i) => `,t${i}=v`).join('');
      assert.equal(parseLineProtocolStrict(`m,host=h${allowed} v=1 0`).length, 1);
    });

    it('rejects a host, tag key, tag value or metric that cannot be written back with reason "name_not_writable"', () => {
      assert.equal(reasonOf('m,host=web-1\\\\ v=1 0'), 'name_not_writable');
      assert.equal(reasonOf('m,host=h,co\tre=0 v=1 0'), 'name_not_writable');
      assert.equal(reasonOf('m,host=h,t=a\\\\\\,b v=1 0'), 'name_not_writable'); // the value is a\\,b
      assert.equal(reasonOf('m\rx,host=h v=1 0'), 'name_not_writable');
      assert.equal(reasonOf('m,host=h v\x01=1 0'), 'name_not_writable');
      assert.equal(reasonOf('m v=1 0', { defaultHost: 'h\\' }), 'name_not_writable');
      assert.match(
        errorOf('m,host=h,co\tre=0 v=1 0').message,
        /tags: key "co\\tre": contains a control character \(U\+0009\)$/,
      );
      assert.match(errorOf('m,host=h v\x01=1 0').message, /metric: contains a control character \(U\+0001\)$/);
    });

    it(`rejects names longer than ${LIMITS.maxNameLength} characters with reason "name_too_long"`, () => {
      const long = 'x'.repeat(LIMITS.maxNameLength + 1);
      assert.equal(reasonOf(`m,host=${long} v=1 0`), 'name_too_long');
      assert.equal(reasonOf(`m,host=h,t=${long} v=1 0`), 'name_too_long');
      assert.equal(reasonOf(`${'m'.repeat(LIMITS.maxNameLength)},host=h v=1 0`), 'name_too_long');
    });
  });

  describe('malformed lines', () => {
    const malformed: Array<[string, LineProtocolErrorReason]> = [
      [',host=h v=1 0', 'missing_measurement'],
      [' ,host=h v=1 0', 'missing_measurement'],
      ['m,host v=1 0', 'invalid_tag'],
      ['m,host= v=1 0', 'invalid_tag'],
      ['m,=h v=1 0', 'invalid_tag'],
      ['m,host=a=b v=1 0', 'invalid_tag'],
      ['m,, v=1 0', 'invalid_tag'],
      ['m,host=h,host=i v=1 0', 'duplicate_tag'],
      ['m,host=h', 'missing_fields'],
      ['m', 'missing_fields'],
      ['m,host=h   ', 'missing_fields'],
      ['m,host=h v', 'invalid_field'],
      ['m,host=h =1', 'invalid_field'],
      ['m,host=h v=1,', 'invalid_field'],
      ['m,host=h v=1,,w=2', 'invalid_field'],
      ['m,host=h v=1,v=2 0', 'duplicate_field'],
      ['m,host=h v=', 'invalid_field_value'],
      ['m,host=h v="open', 'unterminated_string'],
    ];
    for (const [line, reason] of malformed) {
      it(`rejects ${JSON.stringify(line)} with reason "${reason}"`, () => {
        assert.equal(reasonOf(line, { defaultTimestampMs: 0 }), reason);
      });
    }

    it('reports line number, column and the line itself, and is a typed, non-retriable error', () => {
      const text = 'm,host=h a=1 0\nm,host=h b=oops 0\nm,host=h c=3 0';
      const result = parseLineProtocol(text);
      assert.deepEqual(
        result.events.map((event) => event.metric),
        ['m.a', 'm.c'],
        'the lines around the bad one still produce their events',
      );
      const [error] = result.errors;
      assert.ok(error instanceof LineProtocolError);
      assert.ok(error instanceof Error);
      assert.equal(error.retriable, false);
      assert.equal(error.reason, 'invalid_field_value');
      assert.equal(error.lineNumber, 2);
      assert.equal(error.column, 12);
      assert.equal(error.line, 'm,host=h b=oops 0');
      assert.match(error.message, /line 2, column 12: invalid_field_value/);
    });

    it('resumes after an unterminated string at the next line, keeping physical line numbers', () => {
      const result = parseLineProtocol('m,host=h s="open\nm,host=h v=2 0\nm,host=h w=x 0');
      assert.deepEqual(
        result.events.map((event) => event.metric),
        ['m.v'],
      );
      assert.deepEqual(
        result.errors.map((error) => [error.reason, error.lineNumber]),
        [
          ['unterminated_string', 1],
          ['invalid_field_value', 3],
        ],
      );
    });

    it('counts line numbers across a string that spans lines', () => {
      const result = parseLineProtocol('m,host=h s="a\nb",v=1 0\nm,host=h v=bad 0');
      assert.equal(result.errors[0]?.lineNumber, 3);
    });

    it('a rejected line contributes no events even when its first fields were fine', () => {
      const result = parseLineProtocol('m,host=h a=1,b=2,c=bad 0');
      assert.deepEqual(result.events, []);
      assert.equal(result.errors.length, 1);
    });

    it('parseLineProtocolStrict throws the first error', () => {
      assert.throws(
        () => parseLineProtocolStrict('m,host=h a=1 0\nbad'),
        (error: unknown) => error instanceof LineProtocolError && error.reason === 'missing_fields',
      );
    });

    it('every reason code is distinct snake_case', () => {
      assert.equal(new Set(LINE_PROTOCOL_ERROR_REASONS).size, LINE_PROTOCOL_ERROR_REASONS.length);
      for (const reason of LINE_PROTOCOL_ERROR_REASONS) assert.match(reason, /^[a-z]+(?:_[a-z]+)*$/);
    });
  });

  describe('round trip against an independent writer (Telegraf serializer escaping rules)', () => {
    // Telegraf's plugins/serializers/influx escaper: measurement escapes "," and " "; keys and tag values escape
    // ",", "=" and " "; string values escape "\" and '"'. Names never end in a backslash (Telegraf would write it
    // as-is and InfluxDB would read it as an escape), so the generator avoids that.
    const escapeMeasurement = (s: string) => s.replace(/[, ]/g, (c) => `\\${c}`);
    const escapeKey = (s: string) => s.replace(/[,= ]/g, (c) => `\\${c}`);
    const escapeString = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`);
    const nameChars = fc.constantFrom(...'abcXYZ019_-.:/, =\\"é'.split(''));
    const name = fc
      .array(nameChars, { minLength: 1, maxLength: 12 })
      .map((chars) => chars.join(''))
      .filter((s) => !s.endsWith('\\') && !s.startsWith('#') && !/\\[,= \\]/.test(s));

    it('parses back exactly the tags, host, values and timestamp that were written', () => {
      fc.assert(
        fc.property(
          name,
          name,
          fc.uniqueArray(fc.tuple(name, name), { selector: ([key]) => key, maxLength: 5 }),
          fc.uniqueArray(fc.tuple(name, fc.double({ noNaN: true, noDefaultInfinity: true })), {
            selector: ([key]) => key,
            minLength: 1,
            maxLength: 4,
          }),
          fc.string({ maxLength: 20 }),
          fc.bigInt({ min: 0n, max: 9_000_000_000_000_000_000n }),
          (measurement, host, rawTags, fields, text, tsNs) => {
            const tags = rawTags.filter(([key]) => key !== 'host');
            const tagPart = [['host', host] as const, ...tags].map(([k, v]) => `,${escapeKey(k)}=${escapeKey(v)}`);
            const fieldPart = [
              ...fields.map(([key, value]) => `${escapeKey(key)}=${String(value)}`),
              `zz_text="${escapeString(text)}"`,
            ].join(',');
            const line = `${escapeMeasurement(measurement)}${tagPart.join('')} ${fieldPart} ${tsNs}`;
            const result = parseLineProtocol(line);
            assert.deepEqual(result.errors, [], line);
            const expectedFields = fields.filter(([key]) => key !== 'zz_text');
            assert.deepEqual(
              result.events.map((event) => [event.metric, event.value]),
              expectedFields.map(([key, value]) => [`${measurement}.${key}`, value === 0 ? 0 : value]),
            );
            for (const event of result.events) {
              assert.equal(event.host, host);
              assert.deepEqual(event.tags, Object.fromEntries(tags));
              assert.equal(event.ts, Number(tsNs / 1_000_000n));
            }
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
