import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimestamp, readNabCsv } from './nab-csv.reader';

describe('readNabCsv', () => {
  it("reads NAB's layout: a header, UTC 'YYYY-MM-DD HH:MM:SS' timestamps, values", () => {
    const { points, skipped } = readNabCsv('timestamp,value\n2014-04-01 00:00:00,20.5\n2014-04-01 00:05:00,21\n');
    assert.deepEqual(points, [
      { ts: Date.UTC(2014, 3, 1, 0, 0), value: 20.5 },
      { ts: Date.UTC(2014, 3, 1, 0, 5), value: 21 },
    ]);
    assert.deepEqual(skipped, []);
  });

  it('sorts by time, skips blank lines and reports malformed ones with their line numbers', () => {
    const { points, skipped } = readNabCsv(
      'timestamp,value\n\n2014-04-01 00:05:00,2\r\n2014-04-01 00:00:00,1\nnot a line\n2014-04-01 00:10:00,abc\n',
    );
    assert.deepEqual(
      points.map((p) => p.value),
      [1, 2],
    );
    assert.deepEqual(
      skipped.map((s) => s.line),
      [5, 6],
    );
  });

  it('accepts ISO 8601 and epoch seconds or milliseconds', () => {
    assert.equal(parseTimestamp('2014-04-01T00:00:00Z'), Date.UTC(2014, 3, 1));
    assert.equal(parseTimestamp('1396310400'), Date.UTC(2014, 3, 1));
    assert.equal(parseTimestamp('1396310400000'), Date.UTC(2014, 3, 1));
    assert.equal(parseTimestamp('yesterday'), undefined);
  });
});
