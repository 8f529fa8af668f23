import * as path from 'node:path';
import { DEFAULT_STACK_PORTS as CONFIG_STACK_PORTS } from '@tideline/config';

/** Loopback ports of the local stack. */
export interface StackPorts {
  readonly kafka: number;
  readonly kafkaController: number;
  readonly influx: number;
  readonly influxRpc: number;
}

/** Where everything of the local stack lives; all of it under one git-ignored folder (`home`). */
export interface StackPaths {
  readonly home: string;
  /** pid and log files of every process `tideline` starts. */
  readonly runDir: string;
  /** Kafka's runtime classpath, resolved by Maven from `tools/stack/pom.xml`. */
  readonly kafkaLibs: string;
  readonly kafkaDir: string;
  readonly kafkaData: string;
  readonly kafkaServerProperties: string;
  readonly kafkaLog4j2: string;
  readonly influxDir: string;
  readonly influxConfig: string;
  readonly pom: string;
}

export interface StackSettings {
  readonly repoRoot: string;
  readonly host: '127.0.0.1';
  readonly ports: StackPorts;
  readonly paths: StackPaths;
}

export const DEFAULT_STACK_PORTS: StackPorts = CONFIG_STACK_PORTS;

/** The environment variable that overrides each port. */
export const PORT_ENV: Readonly<Record<keyof StackPorts, string>> = {
  kafka: 'TIDELINE_KAFKA_PORT',
  kafkaController: 'TIDELINE_KAFKA_CONTROLLER_PORT',
  influx: 'TIDELINE_INFLUX_PORT',
  influxRpc: 'TIDELINE_INFLUX_RPC_PORT',
};

export class StackSettingsError extends Error {
  readonly retriable = false;
  override readonly name = 'StackSettingsError';
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Parses a TCP port from the environment; a bad value names the variable and what is allowed. */
export function parsePort(env: Env, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StackSettingsError(`${variable}="${raw}" is not a TCP port: use an integer from 1 to 65535`);
  }
  return port;
}

/**
 * Resolves the stack's ports and folders from the environment: `TIDELINE_HOME` (default `<repo>/.tideline`) and the
 * `TIDELINE_*_PORT` variables. Pure: the environment and the working directory come in as arguments.
 */
export function resolveStackSettings(env: Env, repoRoot: string, cwd: string = repoRoot): StackSettings {
  const ports: StackPorts = {
    kafka: parsePort(env, PORT_ENV.kafka, DEFAULT_STACK_PORTS.kafka),
    kafkaController: parsePort(env, PORT_ENV.kafkaController, DEFAULT_STACK_PORTS.kafkaController),
    influx: parsePort(env, PORT_ENV.influx, DEFAULT_STACK_PORTS.influx),
    influxRpc: parsePort(env, PORT_ENV.influxRpc, DEFAULT_STACK_PORTS.influxRpc),
  };
  const seen = new Map<number, string>();
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) {
    const other = seen.get(ports[key]);
    if (other !== undefined) {
      throw new StackSettingsError(`${PORT_ENV[key]} and ${other} are both ${ports[key]}: each port must differ`);
    }
    seen.set(ports[key], PORT_ENV[key]);
  }
  const homeRaw = env['TIDELINE_HOME'];
  const home = homeRaw && homeRaw.trim() !== '' ? path.resolve(cwd, homeRaw) : path.join(repoRoot, '.tideline');
  const kafkaDir = path.join(home, 'kafka');
  const influxDir = path.join(home, 'influxdb');
  return {
    repoRoot,
    host: '127.0.0.1',
    ports,
    paths: {
      home,
      runDir: path.join(home, 'run'),
      kafkaLibs: path.join(home, 'kafka-libs'),
      kafkaDir,
      kafkaData: path.join(kafkaDir, 'data'),
      kafkaServerProperties: path.join(kafkaDir, 'server.properties'),
      kafkaLog4j2: path.join(kafkaDir, 'log4j2.properties'),
      influxDir,
      influxConfig: path.join(influxDir, 'influxdb.conf'),
      pom: path.join(repoRoot, 'tools', 'stack', 'pom.xml'),
    },
  };
}

/** `host:port` of the Kafka listener, as the apps and tests expect it in `KAFKA_BROKERS`. */
export function kafkaBrokers(settings: StackSettings): string {
  return `${settings.host}:${settings.ports.kafka}`;
}

/** Base URL of InfluxDB's HTTP API, as the apps and tests expect it in `INFLUX_URL`. */
export function influxUrl(settings: StackSettings): string {
  return `http://${settings.host}:${settings.ports.influx}`;
}
