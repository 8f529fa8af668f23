import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderInfluxConfig } from './influx-config';
import type { ManagedComponent, Output } from './managed-component';
import { checkInfluxdInstallable, ensureInfluxd } from './prerequisites';
import { probeHttp } from './readiness';
import { influxUrl, PORT_ENV, type Env, type StackSettings } from './stack-settings';

/** InfluxDB 1.x from Debian's package (`influxd run -config …`), its own config and data folders. Ready on `/ping`. */
export function influxServer(settings: StackSettings, env: Env): ManagedComponent {
  const { paths, ports } = settings;
  let influxd = 'influxd';
  return {
    name: 'influxdb',
    address: influxUrl(settings),
    pidFile: path.join(paths.runDir, 'influxdb.pid'),
    logFile: path.join(paths.runDir, 'influxdb.log'),
    marker: paths.influxConfig,
    ports: [
      { port: ports.influx, env: PORT_ENV.influx },
      { port: ports.influxRpc, env: PORT_ENV.influxRpc },
    ],
    async preflight() {
      checkInfluxdInstallable(env);
    },
    async prepare(out: Output) {
      influxd = await ensureInfluxd(env, (line) => out.info(`influxdb: ${line}`));
      fs.mkdirSync(paths.influxDir, { recursive: true });
      fs.writeFileSync(paths.influxConfig, renderInfluxConfig(settings));
    },
    spawnSpec() {
      return { command: influxd, args: ['run', '-config', paths.influxConfig], cwd: paths.influxDir, env: { ...env } };
    },
    probe: () => probeHttp(`${influxUrl(settings)}/ping`, (status) => status === 204 || status === 200),
  };
}
