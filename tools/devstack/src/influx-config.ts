import type { StackSettings } from './stack-settings';

/**
 * InfluxDB's series limits, the same in the local stack and docker-compose.yml (a test holds them equal), documented
 * in docs/operations.md (Limits). Each Tideline series is one value of the `series` tag and about five InfluxDB series
 * (points, baseline, anomaly_scores per detector, alerts): 200,000 tag values and 1,500,000 series hold two baseline
 * instances at `limits.maxActiveSeries` (100,000), or one with as many series gone idle within the retention, and keep
 * InfluxDB's in-memory index to a few GB. A write beyond a limit is refused point by point: the baseline service
 * dead-letters those points (`tideline.points.v1.dlq`) and stores the rest.
 */
export const INFLUX_SERIES_LIMITS = Object.freeze({
  maxSeriesPerDatabase: 1_500_000,
  maxValuesPerTag: 200_000,
});

/**
 * `influxdb.conf` for InfluxDB 1.x (`influxd run -config …`): its own data folders, loopback HTTP and RPC ports,
 * no usage reporting, no `_internal` monitoring database, the series limits of {@link INFLUX_SERIES_LIMITS}.
 */
export function renderInfluxConfig(settings: StackSettings): string {
  const { host, ports, paths } = settings;
  return [
    '# Written by `tideline stack up` on every start; edit tools/devstack/src/influx-config.ts instead.',
    'reporting-disabled = true',
    `bind-address = ${toml(`${host}:${ports.influxRpc}`)}`,
    '',
    '[meta]',
    `  dir = ${toml(`${paths.influxDir}/meta`)}`,
    '',
    '[data]',
    `  dir = ${toml(`${paths.influxDir}/data`)}`,
    `  wal-dir = ${toml(`${paths.influxDir}/wal`)}`,
    '  query-log-enabled = false',
    `  max-series-per-database = ${INFLUX_SERIES_LIMITS.maxSeriesPerDatabase}`,
    `  max-values-per-tag = ${INFLUX_SERIES_LIMITS.maxValuesPerTag}`,
    '',
    '[monitor]',
    '  store-enabled = false',
    '',
    '[http]',
    '  enabled = true',
    `  bind-address = ${toml(`${host}:${ports.influx}`)}`,
    '  auth-enabled = false',
    '  log-enabled = false',
    '',
    '[logging]',
    '  level = "info"',
    '  suppress-logo = true',
    '',
  ].join('\n');
}

/** A TOML basic string. */
function toml(value: string): string {
  return JSON.stringify(value);
}
