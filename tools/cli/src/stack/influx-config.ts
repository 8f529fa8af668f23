import type { StackSettings } from './stack-settings';

/**
 * `influxdb.conf` for InfluxDB 1.x (`influxd run -config …`): its own data folders, loopback HTTP and RPC ports,
 * no usage reporting, no `_internal` monitoring database.
 */
export function renderInfluxConfig(settings: StackSettings): string {
  const { host, ports, paths } = settings;
  return [
    '# Written by `tideline stack up` on every start; edit tools/cli/src/stack/influx-config.ts instead.',
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
