import { formatDownResult, printUpResults, startStack, stopStack } from '@tideline/devstack';
import type { StartedTestContainer } from 'testcontainers';
import { freePort } from './service-process';

/** Where the integration tests' servers are, how they were found, and how to stop what was started for them. */
export interface TestStack {
  /** `host:port`, the value of `KAFKA_BROKERS`. */
  readonly kafkaBrokers: string;
  /** The value of `INFLUX_URL`. */
  readonly influxUrl: string;
  readonly source: 'env' | 'containers' | 'native';
  /** Stops exactly what {@link startTestStack} started (nothing for `env`, or for servers that were already up). */
  stop(): Promise<void>;
}

export interface TestStackOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/** The Kafka image the container route runs: the same Kafka version as the native stack. */
export const KAFKA_IMAGE = 'apache/kafka:4.1.2';
export const INFLUX_IMAGE = 'influxdb:1.8';

/**
 * Finds or starts real servers for the integration tests, in this order, and never skips:
 * 1. `KAFKA_BROKERS` and `INFLUX_URL` are both set: use them;
 * 2. testcontainers finds a container runtime: start `apache/kafka` and `influxdb:1.8` containers;
 * 3. otherwise the native local stack, started by the same code as `tideline stack up` (already running → reused).
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kafkaBrokers = env['KAFKA_BROKERS']?.trim();
  const influxUrl = env['INFLUX_URL']?.trim();
  if (kafkaBrokers && influxUrl) {
    log(`test stack: KAFKA_BROKERS=${kafkaBrokers} INFLUX_URL=${influxUrl} (from the environment)`);
    return { kafkaBrokers, influxUrl, source: 'env', stop: async () => undefined };
  }
  const testcontainers = await containerRuntime();
  if (testcontainers !== undefined) return startContainers(testcontainers, log);
  log('test stack: no KAFKA_BROKERS/INFLUX_URL and no container runtime: using the native stack (tideline stack up)');
  return startNativeStack(env, log);
}

type Testcontainers = typeof import('testcontainers');

/** testcontainers, when a container runtime answers (rejects in about 1 ms without Docker). */
async function containerRuntime(): Promise<Testcontainers | undefined> {
  try {
    const testcontainers = await import('testcontainers');
    await testcontainers.getContainerRuntimeClient();
    return testcontainers;
  } catch {
    return undefined;
  }
}

async function startContainers(tc: Testcontainers, log: (line: string) => void): Promise<TestStack> {
  log(`test stack: starting ${KAFKA_IMAGE} and ${INFLUX_IMAGE} with testcontainers`);
  // Kafka advertises one address to clients; the container port is bound to the same host port so that the advertised
  // address is right before the container starts.
  const kafkaPort = await freePort();
  const started: StartedTestContainer[] = [];
  try {
    const [kafka, influx] = await Promise.all([
      new tc.GenericContainer(KAFKA_IMAGE)
        .withExposedPorts({ container: kafkaPort, host: kafkaPort })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaPort},CONTROLLER://0.0.0.0:9093`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_NUM_PARTITIONS: '1',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
        })
        .withWaitStrategy(tc.Wait.forLogMessage('Kafka Server started'))
        .withStartupTimeout(120_000)
        .start()
        .then((container) => (started.push(container), container)),
      new tc.GenericContainer(INFLUX_IMAGE)
        .withExposedPorts(8086)
        .withEnvironment({ INFLUXDB_REPORTING_DISABLED: 'true', INFLUXDB_HTTP_LOG_ENABLED: 'false' })
        .withWaitStrategy(tc.Wait.forHttp('/ping', 8086).forStatusCode(204))
        .start()
        .then((container) => (started.push(container), container)),
    ]);
    const stack: TestStack = {
      kafkaBrokers: `${kafka.getHost() === 'localhost' ? '127.0.0.1' : kafka.getHost()}:${kafkaPort}`,
      influxUrl: `http://${influx.getHost() === 'localhost' ? '127.0.0.1' : influx.getHost()}:${influx.getMappedPort(8086)}`,
      source: 'containers',
      stop: async () => {
        await Promise.all(started.map((container) => container.stop()));
      },
    };
    log(`test stack: KAFKA_BROKERS=${stack.kafkaBrokers} INFLUX_URL=${stack.influxUrl} (containers)`);
    return stack;
  } catch (error) {
    await Promise.allSettled(started.map((container) => container.stop()));
    throw error;
  }
}

/** Starts the native stack exactly as `tideline stack up` does (the same code) and stops only what that call started. */
async function startNativeStack(
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<TestStack> {
  const output = { info: log, error: log };
  const up = await startStack({ env, output });
  printUpResults(up.results, up.components, output);
  if (!up.ok) {
    if (up.started.length > 0) await stopStack(up.started, { env });
    throw new Error('the local stack did not start (`tideline stack up`); its output is above');
  }
  const { started, env: endpoints } = up;
  log(
    `test stack: KAFKA_BROKERS=${endpoints.KAFKA_BROKERS} INFLUX_URL=${endpoints.INFLUX_URL} ` +
      `(native; started: ${started.join(', ') || 'nothing, already running'})`,
  );
  return {
    kafkaBrokers: endpoints.KAFKA_BROKERS,
    influxUrl: endpoints.INFLUX_URL,
    source: 'native',
    stop: async () => {
      if (started.length === 0) return;
      for (const result of await stopStack(started, { env })) log(formatDownResult(result));
    },
  };
}
