import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePorts, sumMetric } from './service-process';

describe('freePorts', () => {
  it('returns different ports, each of which can be listened on', async () => {
    const ports = await freePorts(5);
    assert.equal(new Set(ports).size, 5);
    for (const port of ports) {
      const server = createServer().listen(port, '127.0.0.1');
      await once(server, 'listening');
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('sumMetric', () => {
  const text = [
    '# HELP tideline_points_total Points.',
    '# TYPE tideline_points_total counter',
    'tideline_points_total{topic="a",outcome="ok"} 3',
    'tideline_points_total{topic="b",outcome="ok"} 4',
    'tideline_points_total{topic="a",outcome="dead"} 5',
    'tideline_points_total_created{topic="a"} 1700000000',
    'tideline_series 7',
  ].join('\n');

  it('sums the series whose labels include every given one, and only of that exact name', () => {
    assert.equal(sumMetric(text, 'tideline_points_total'), 12);
    assert.equal(sumMetric(text, 'tideline_points_total', { topic: 'a' }), 8);
    assert.equal(sumMetric(text, 'tideline_points_total', { topic: 'a', outcome: 'ok' }), 3);
    assert.equal(sumMetric(text, 'tideline_series'), 7);
  });

  it('is 0 for a metric that is not there', () => {
    assert.equal(sumMetric(text, 'tideline_points'), 0);
    assert.equal(sumMetric(text, 'tideline_points_total', { topic: 'c' }), 0);
  });
});
