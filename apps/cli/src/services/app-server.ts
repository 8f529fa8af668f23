import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppService } from './app-services';
import { appEnvironment } from './app-services';
import { type ManagedComponent, PrerequisiteError, probeHttp, type Env, type StackSettings } from '@tideline/devstack';

/** The compiled entry point of an app. */
export function appEntry(repoRoot: string, name: string): string {
  return path.join(repoRoot, 'apps', name, 'dist', 'main.js');
}

/** One app as `node apps/<name>/dist/main.js`, pid and log under `<home>/run/`; ready when `/health` answers 200. */
export function appServer(app: AppService, settings: StackSettings, env: Env): ManagedComponent {
  const entry = appEntry(settings.repoRoot, app.name);
  const health = `http://${settings.host}:${app.port}/health`;
  const checkBuilt = async () => {
    if (!fs.existsSync(entry)) {
      throw new PrerequisiteError(
        `${path.relative(settings.repoRoot, entry)} does not exist: run \`npm run build\` first`,
      );
    }
  };
  return {
    name: app.name,
    address: health,
    pidFile: path.join(settings.paths.runDir, `${app.name}.pid`),
    logFile: path.join(settings.paths.runDir, `${app.name}.log`),
    marker: entry,
    ports: [{ port: app.port, env: app.portEnv }],
    preflight: checkBuilt,
    prepare: checkBuilt,
    spawnSpec() {
      return {
        command: process.execPath,
        args: ['--enable-source-maps', entry],
        cwd: settings.repoRoot,
        env: appEnvironment(app, settings, env),
      };
    },
    probe: () => probeHttp(health, (status) => status === 200),
  };
}
