import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INFLUX_SERIES_LIMITS, renderInfluxConfig } from './influx-config';
import { findRepoRoot } from './repo-root';
import { resolveStackSettings } from './stack-settings';

describe('renderInfluxConfig', () => {
  const text = renderInfluxConfig(
    resolveStackSettings(
      { TIDELINE_HOME: '/h', TIDELINE_INFLUX_PORT: '28086', TIDELINE_INFLUX_RPC_PORT: '28088' },
      '/repo',
    ),
  );

  it('binds HTTP and RPC to loopback on the configured ports', () => {
    assert.match(text, /^bind-address = "127\.0\.0\.1:28088"$/m);
    assert.match(text, /^\[http\]\n(?:.*\n)*?\s+bind-address = "127\.0\.0\.1:28086"$/m);
  });

  it('keeps meta, data and wal under the stack home', () => {
    assert.match(text, /^\s+dir = "\/h\/influxdb\/meta"$/m);
    assert.match(text, /^\s+dir = "\/h\/influxdb\/data"$/m);
    assert.match(text, /^\s+wal-dir = "\/h\/influxdb\/wal"$/m);
  });

  it('sends no usage reports and keeps no _internal monitoring database', () => {
    assert.match(text, /^reporting-disabled = true$/m);
    assert.match(text, /^\[monitor\]\n\s+store-enabled = false$/m);
  });

  it('quotes paths as TOML strings', () => {
    const quoted = renderInfluxConfig(resolveStackSettings({ TIDELINE_HOME: '/a "b"' }, '/repo'));
    assert.match(quoted, /dir = "\/a \\"b\\"\/influxdb\/meta"/);
  });

  it('sets the series limits, the same as docker-compose.yml', () => {
    assert.match(text, new RegExp(`^\\s+max-series-per-database = ${INFLUX_SERIES_LIMITS.maxSeriesPerDatabase}$`, 'm'));
    assert.match(text, new RegExp(`^\\s+max-values-per-tag = ${INFLUX_SERIES_LIMITS.maxValuesPerTag}$`, 'm'));
    const compose = readFileSync(join(findRepoRoot(), 'docker-compose.yml'), 'utf8');
    assert.match(
      compose,
      new RegExp(`INFLUXDB_DATA_MAX_SERIES_PER_DATABASE: '${INFLUX_SERIES_LIMITS.maxSeriesPerDatabase}'`),
    );
    assert.match(compose, new RegExp(`INFLUXDB_DATA_MAX_VALUES_PER_TAG: '${INFLUX_SERIES_LIMITS.maxValuesPerTag}'`));
  });
});
