import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition, parseSampleLine } from './exposition.parser';

// Shaped after node_exporter 1.5.0's and prom-client's output (text format 0.0.4).
const EXPOSITION = `# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.42
# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1000.5
node_cpu_seconds_total{cpu="0",mode="user"} 200
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{route="/a",le="0.1"} 3
http_request_duration_seconds_bucket{route="/a",le="+Inf"} 4
http_request_duration_seconds_sum{route="/a"} 0.5
http_request_duration_seconds_count{route="/a"} 4
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0.5"} 1.5e-05
go_gc_duration_seconds_sum 0.01
go_gc_duration_seconds_count 42
mystery_value{path="C:\\\\dir",msg="say \\"hi\\"\\nbye"} NaN 1700000000000
this is not a sample
`;

describe('parseExposition', () => {
  const { families, skippedLines } = parseExposition(EXPOSITION);
  const byName = new Map(families.map((family) => [family.name, family]));

  it('groups samples into their # TYPE families, _bucket/_sum/_count under histograms and summaries', () => {
    assert.deepEqual(
      families.map((family) => [family.name, family.type, family.samples.length]),
      [
        ['node_load1', 'gauge', 1],
        ['node_cpu_seconds_total', 'counter', 2],
        ['http_request_duration_seconds', 'histogram', 4],
        ['go_gc_duration_seconds', 'summary', 3],
        ['mystery_value', 'untyped', 1],
      ],
    );
    assert.deepEqual(byName.get('node_cpu_seconds_total')?.samples[0], {
      name: 'node_cpu_seconds_total',
      labels: { cpu: '0', mode: 'idle' },
      value: 1000.5,
    });
    assert.equal(byName.get('http_request_duration_seconds')?.samples[1]?.labels['le'], '+Inf');
  });

  it('unescapes label values (\\\\, \\", \\n), reads NaN and ignores the timestamp', () => {
    const sample = byName.get('mystery_value')?.samples[0];
    assert.deepEqual(sample?.labels, { path: 'C:\\dir', msg: 'say "hi"\nbye' });
    assert.ok(Number.isNaN(sample?.value));
  });

  it('skips and counts a line that is not a sample instead of failing the scrape', () => {
    assert.equal(skippedLines, 1);
  });

  it('drops OpenMetrics _created samples of a typed family', () => {
    const { families: parsed } = parseExposition('# TYPE jobs counter\njobs_total 5\njobs_created 1.7e9\n');
    assert.deepEqual(
      parsed[0]?.samples.map((sample) => sample.name),
      ['jobs_total'],
    );
  });
});

describe('parseSampleLine', () => {
  it('rejects an unterminated label value and a missing value', () => {
    assert.equal(parseSampleLine('x{a="b} 1'), undefined);
    assert.equal(parseSampleLine('x{a="b"}'), undefined);
  });
  it('reads +Inf and -Inf', () => {
    assert.equal(parseSampleLine('x +Inf')?.value, Infinity);
    assert.equal(parseSampleLine('x -Inf')?.value, -Infinity);
  });
});
