import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeTagValue, seriesKey } from '@tideline/contracts';
import { DEAD_LETTER_HEADERS } from '@tideline/kafka';
import { rejectedPointRecord, seriesTagOf } from './points-dead-letter';

describe('points dead-letter records', () => {
  it("keys a refused line by its series, unescaped from line protocol, so it matches the series' key elsewhere", () => {
    const series = seriesKey({ metric: 'disk used', host: 'web,1', tags: { mount: '/a=b' } });
    const line = `alerts,detector=none,host=web\\,1,metric=disk\\ used,series=${escapeTagValue(series)},state=firing value=1 5`;
    assert.equal(seriesTagOf(line), series);
    assert.equal(seriesTagOf('points,timeseries=x,host=a value=1 5'), null, 'only the tag named series');
  });

  it("carries InfluxDB's reason and message, and the line unchanged", () => {
    const line = 'alerts,series=m|host\\=a state="x" 1';
    const record = rejectedPointRecord(
      { line, reason: 'influx_max_values_per_tag', message: 'partial write: max-values-per-tag limit exceeded' },
      1234,
    );
    assert.equal(record.value, line);
    assert.deepEqual(record.headers, {
      [DEAD_LETTER_HEADERS.reason]: 'influx_max_values_per_tag',
      [DEAD_LETTER_HEADERS.detail]: 'partial write: max-values-per-tag limit exceeded',
      [DEAD_LETTER_HEADERS.failedAt]: '1234',
    });
  });
});
