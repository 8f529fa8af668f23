import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../config-error';
import { DEFAULTS } from '../defaults';
import { loadConfig } from '../load-config';

describe('limits section', () => {
  it('gives both pipeline services the defaults sized for a 2-core 24 GiB machine, and 12 pipeline partitions', () => {
    for (const app of ['baseline', 'anomaly'] as const) {
      const config = loadConfig(app, { env: {}, argv: [] });
      assert.deepEqual(config.limits, {
        maxActiveSeries: 100_000,
        maxSeriesPerHost: 10_000,
        maxSeriesInMemory: 120_000,
        idleEvictionMs: 1_800_000,
      });
      assert.equal(config.kafka.scaleOutPartitions, 12);
      assert.equal(config.kafka.partitions, DEFAULTS.kafka.partitions);
    }
  });

  it('takes each limit from the environment', () => {
    const config = loadConfig('baseline', {
      env: { TIDELINE__LIMITS__MAX_ACTIVE_SERIES: '500', TIDELINE__LIMITS__MAX_SERIES_IN_MEMORY: '600' },
      argv: [],
    });
    assert.equal(config.limits.maxActiveSeries, 500);
    assert.equal(config.limits.maxSeriesInMemory, 600);
  });

  it('refuses a memory bound below the active-series cap, naming the key', () => {
    assert.throws(
      () =>
        loadConfig('anomaly', {
          env: { TIDELINE__LIMITS__MAX_ACTIVE_SERIES: '500', TIDELINE__LIMITS__MAX_SERIES_IN_MEMORY: '100' },
          argv: [],
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'limits.maxSeriesInMemory' &&
        /at least limits\.maxActiveSeries \(500\)/.test(error.message),
    );
  });

  it('refuses a limit that is not a positive integer, naming the key and what is allowed', () => {
    assert.throws(
      () => loadConfig('baseline', { env: { TIDELINE__LIMITS__MAX_SERIES_PER_HOST: '0' }, argv: [] }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'limits.maxSeriesPerHost' &&
        /an integer 1-100000000/.test(error.message),
    );
  });
});
