import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineProtocolNameProblem } from './line-protocol-format';
import { METRIC_EVENT_SCHEMA, parseMetricEvent } from './metric-event.schema';
import { HOST_METRIC_NAMES, HTTP_METRIC_NAMES, RUNTIME_METRIC_NAMES } from './metric-names';

const ALL = [
  ...Object.values(HOST_METRIC_NAMES),
  ...Object.values(RUNTIME_METRIC_NAMES),
  ...Object.values(HTTP_METRIC_NAMES),
];

describe('metric names of the collector and the SDK', () => {
  it('names every metric once: no two producers share a name', () => {
    assert.equal(new Set(ALL).size, ALL.length);
  });

  it('are valid metric names that InfluxDB stores exactly', () => {
    for (const metric of ALL) {
      assert.equal(lineProtocolNameProblem(metric), undefined, metric);
      assert.doesNotThrow(() =>
        parseMetricEvent({ schema: METRIC_EVENT_SCHEMA, metric, host: 'h', value: 1, ts: 1_767_225_600_000 }),
      );
    }
  });

  it('publish disk and memory use as a percentage, which the reporter projects towards 100', () => {
    assert.equal(HOST_METRIC_NAMES.diskUsedPercent, 'disk.used_percent');
    assert.equal(HOST_METRIC_NAMES.memUsedPercent, 'mem.used_percent');
  });
});
