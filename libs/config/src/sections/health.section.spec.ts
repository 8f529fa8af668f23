import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../config-error';
import { loadConfig } from '../load-config';

describe('health section', () => {
  it('gives both services with consumers a 15 s stall time measured every 5 s', () => {
    for (const app of ['baseline', 'anomaly'] as const) {
      assert.deepEqual(loadConfig(app, { env: {}, argv: [] }).health, { stallAfterMs: 15_000, lagIntervalMs: 5_000 });
    }
  });

  it('takes both from the environment', () => {
    const config = loadConfig('anomaly', {
      env: { TIDELINE__HEALTH__STALL_AFTER_MS: '2000', TIDELINE__HEALTH__LAG_INTERVAL_MS: '500' },
      argv: [],
    });
    assert.deepEqual(config.health, { stallAfterMs: 2000, lagIntervalMs: 500 });
  });

  it('refuses a stall time shorter than the measurement interval, naming the key', () => {
    assert.throws(
      () =>
        loadConfig('baseline', {
          env: { TIDELINE__HEALTH__STALL_AFTER_MS: '2000', TIDELINE__HEALTH__LAG_INTERVAL_MS: '3000' },
          argv: [],
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'health.stallAfterMs' &&
        /at least health\.lagIntervalMs \(3000\)/.test(error.message),
    );
  });

  it('refuses a value out of range, naming the key and what is allowed', () => {
    assert.throws(
      () => loadConfig('anomaly', { env: { TIDELINE__HEALTH__LAG_INTERVAL_MS: '10' }, argv: [] }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'health.lagIntervalMs' &&
        /an integer number of milliseconds 100-600000/.test(error.message),
    );
  });
});
