import { DEFAULT_HTTP_PORTS } from '@tideline/config';
import { appServer } from './app-server';
import { reporterEnvironment } from './command-config';
import {
  type ManagedComponent,
  kafkaBrokers,
  influxUrl,
  parsePort,
  type Env,
  type StackSettings,
} from '@tideline/devstack';

/** The four Tideline services `tideline up` runs in the background, with their HTTP ports (`/health`, `/metrics`). */
export const APP_SERVICES = (['collector', 'baseline', 'anomaly', 'reporter'] as const).map((name) => ({
  name,
  port: DEFAULT_HTTP_PORTS[name],
}));

export interface AppService {
  readonly name: string;
  readonly port: number;
  /** The environment variable that moves its port, e.g. `TIDELINE_COLLECTOR_PORT`. */
  readonly portEnv: string;
}

/** The apps with their ports (each overridable by `TIDELINE_<NAME>_PORT`). */
export function appServices(env: Env): AppService[] {
  return APP_SERVICES.map(({ name, port }) => {
    const portEnv = `TIDELINE_${name.toUpperCase()}_PORT`;
    return { name, port: parsePort(env, portEnv, port), portEnv };
  });
}

/**
 * The environment an app starts with: ours, minus anything that would point it at other servers, plus the three
 * variables the apps read: `KAFKA_BROKERS`, `INFLUX_URL`, `HTTP_PORT`; the reporter also its folder under the stack's
 * home, as `tideline report` uses it ({@link reporterEnvironment}).
 */
export function appEnvironment(app: AppService, settings: StackSettings, env: Env): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && key !== 'KAFKA_BROKERS' && key !== 'INFLUX_URL' && key !== 'HTTP_PORT')
      base[key] = value;
  }
  return {
    ...base,
    ...(app.name === 'reporter' ? reporterEnvironment(settings, env) : {}),
    KAFKA_BROKERS: kafkaBrokers(settings),
    INFLUX_URL: influxUrl(settings),
    HTTP_PORT: String(app.port),
  };
}

/** The apps as managed background processes. */
export function appComponents(settings: StackSettings, env: Env): ManagedComponent[] {
  return appServices(env).map((app) => appServer(app, settings, env));
}
