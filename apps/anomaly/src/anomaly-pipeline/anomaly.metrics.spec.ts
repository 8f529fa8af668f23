import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { AnomalyMetrics } from './anomaly.metrics';

describe('AnomalyMetrics', () => {
  it('reports the open incidents counted when /metrics is read, each time afresh', async () => {
    const registry = new Registry();
    let open = 3;
    new AnomalyMetrics(registry, () => open);
    assert.match(
      await registry.getSingleMetricAsString('tideline_anomaly_open_incidents'),
      /^tideline_anomaly_open_incidents 3$/m,
    );
    open = 0;
    assert.match(
      await registry.getSingleMetricAsString('tideline_anomaly_open_incidents'),
      /^tideline_anomaly_open_incidents 0$/m,
    );
  });
});
