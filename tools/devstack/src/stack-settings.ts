import { isIP } from 'node:net';
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
  /** Kafka's runtime classpath, resolved by Maven from `tools/devstack/kafka/pom.xml`. */
  readonly kafkaLibs: string;
  readonly kafkaDir: string;
  readonly kafkaData: string;
  readonly kafkaServerProperties: string;
  /** Kafka settings of the user's own, appended to `server.properties` on every start; never written by tideline. */
  readonly kafkaServerOverrides: string;
  readonly kafkaLog4j2: string;
  readonly influxDir: string;
  readonly influxConfig: string;
  readonly pom: string;
}

/** Where Kafka's client listener listens and what it tells clients to connect to. */
export interface KafkaListenerSettings {
  /** The address the client listener binds: loopback by default, `0.0.0.0` (or an interface's address) for other hosts. */
  readonly bind: string;
  /** The host name or address clients are told to connect to (`advertised.listeners`); must reach `bind` from them. */
  readonly advertisedHost: string;
}

export interface StackSettings {
  readonly repoRoot: string;
  /** Where the processes on this host reach InfluxDB and the apps; Kafka's controller listens here too. */
  readonly host: '127.0.0.1';
  readonly kafkaListener: KafkaListenerSettings;
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

/** The environment variables of Kafka's client listener. */
export const KAFKA_LISTENER_ENV = {
  bind: 'TIDELINE_KAFKA_BIND',
  advertisedHost: 'TIDELINE_KAFKA_ADVERTISED_HOST',
} as const;

/** The loopback address the stack listens on unless told otherwise. */
export const LOOPBACK = '127.0.0.1';

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

/** A DNS name (RFC 1123 labels) or an IPv4/IPv6 address. */
function isHostName(value: string): boolean {
  if (isIP(value) !== 0) return true;
  return (
    value.length <= 253 &&
    value.split('.').every((label) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(label))
  );
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * Kafka's client listener from `TIDELINE_KAFKA_BIND` (an IP address; default 127.0.0.1) and
 * `TIDELINE_KAFKA_ADVERTISED_HOST` (default: the bind address). A wildcard bind (`0.0.0.0`, `::`) cannot be advertised:
 * it needs the advertised host set, the name other hosts reach this one by.
 */
export function parseKafkaListener(env: Env): KafkaListenerSettings {
  const bindRaw = env[KAFKA_LISTENER_ENV.bind]?.trim() ?? '';
  const bind = bindRaw === '' ? LOOPBACK : bindRaw;
  if (isIP(bind) === 0) {
    throw new StackSettingsError(
      `${KAFKA_LISTENER_ENV.bind}="${bindRaw}" is not an IP address: use 127.0.0.1 (the default, this host only), ` +
        "0.0.0.0 (every interface) or one interface's address",
    );
  }
  const advertisedRaw = env[KAFKA_LISTENER_ENV.advertisedHost]?.trim() ?? '';
  if (advertisedRaw === '') {
    if (WILDCARDS.has(bind)) {
      throw new StackSettingsError(
        `${KAFKA_LISTENER_ENV.bind}=${bind} listens on every interface and needs ${KAFKA_LISTENER_ENV.advertisedHost}: ` +
          'the host name or address other hosts reach this one by',
      );
    }
    return { bind, advertisedHost: bind };
  }
  if (!isHostName(advertisedRaw) || WILDCARDS.has(advertisedRaw)) {
    throw new StackSettingsError(
      `${KAFKA_LISTENER_ENV.advertisedHost}="${advertisedRaw}" is not a host name or address clients can connect to: ` +
        'use a DNS name (kafka1.example.net) or an IP address, not a wildcard',
    );
  }
  return { bind, advertisedHost: advertisedRaw };
}

/** `host:port` with an IPv6 address in brackets, as Kafka listeners and clients spell it. */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Resolves the stack's ports, listener and folders from the environment: `TIDELINE_HOME` (default
 * `<repo>/.tideline`), the `TIDELINE_*_PORT` variables, `TIDELINE_KAFKA_BIND` and `TIDELINE_KAFKA_ADVERTISED_HOST`.
 * Pure: the environment and the working directory come in as arguments.
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
    host: LOOPBACK,
    kafkaListener: parseKafkaListener(env),
    ports,
    paths: {
      home,
      runDir: path.join(home, 'run'),
      kafkaLibs: path.join(home, 'kafka-libs'),
      kafkaDir,
      kafkaData: path.join(kafkaDir, 'data'),
      kafkaServerProperties: path.join(kafkaDir, 'server.properties'),
      kafkaServerOverrides: path.join(kafkaDir, 'server.overrides.properties'),
      kafkaLog4j2: path.join(kafkaDir, 'log4j2.properties'),
      influxDir,
      influxConfig: path.join(influxDir, 'influxdb.conf'),
      pom: path.join(repoRoot, 'tools', 'devstack', 'kafka', 'pom.xml'),
    },
  };
}

/** `host:port` of the Kafka listener as it is advertised, as the apps and tests expect it in `KAFKA_BROKERS`. */
export function kafkaBrokers(settings: StackSettings): string {
  return hostPort(settings.kafkaListener.advertisedHost, settings.ports.kafka);
}

/** Base URL of InfluxDB's HTTP API, as the apps and tests expect it in `INFLUX_URL`. */
export function influxUrl(settings: StackSettings): string {
  return `http://${settings.host}:${settings.ports.influx}`;
}
