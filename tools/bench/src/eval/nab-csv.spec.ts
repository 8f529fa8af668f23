import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseTimestamp, numericColumn, parseCsv, stringColumn, timestampToMs } from './nab-csv';

describe('NAB CSV parsing', () => {
  it('accepts LF and CRLF endings, with or without a trailing newline, keeping file order', () => {
    for (const text of [
      'timestamp,value\n2014-01-01 00:05:00,2\n2014-01-01 00:00:00,1\n',
      'timestamp,value\r\n2014-01-01 00:05:00,2\r\n2014-01-01 00:00:00,1',
    ]) {
      const t = parseCsv(text);
      assert.deepEqual([...numericColumn(t, 'value')], [2, 1]);
      assert.deepEqual(stringColumn(t, 'timestamp'), ['2014-01-01 00:05:00', '2014-01-01 00:00:00']);
    }
  });

  it('names the line of a value that is not a number', () => {
    assert.throws(() => numericColumn(parseCsv('timestamp,value\na,1\nb,x\n', 'f.csv'), 'value', 'f.csv'), /f\.csv:3/);
  });

  it('reads naive timestamps as UTC and matches window labels with a .000000 fraction', () => {
    assert.equal(timestampToMs('2014-03-09 03:00:00'), Date.UTC(2014, 2, 9, 3));
    assert.equal(normaliseTimestamp('2014-03-09 03:00:00.000000'), '2014-03-09 03:00:00');
  });
});
