import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureKafkaClasspath } from './kafka-classpath';
import { kafkaJvmOptions, renderKafkaLog4j2Properties, renderKafkaServerProperties } from './kafka-config';
import { formatStorage } from './kafka-server';
import { PrerequisiteError, requireJava17 } from './prerequisites';
import { errorMessage, waitUntilReady, type ProbeResult } from './readiness';
import { renderSecuredListenerProperties, scramFormatArgs, type ScramMechanism } from './secured-kafka-config';
import { findRepoRoot } from './repo-root';
import { resolveStackSettings, type Env } from './stack-settings';

export interface SecuredKafkaOptions {
  /** A folder of its own (created by the caller, e.g. with mkdtemp): data, certificates, properties, log. */
  readonly home: string;
  /** Free loopback ports for the SASL_SSL listener and the controller. */
  readonly port: number;
  readonly controllerPort: number;
  /** SCRAM users (name → password), each under SCRAM-SHA-256 and -512. Must include `admin`'s name. */
  readonly users: Readonly<Record<string, string>>;
  /** The super user's name (creates topics and ACLs; the broker authenticates to itself as it). */
  readonly admin: string;
  /** Java, Maven and the Kafka jar cache come from here (the stack's `TIDELINE_HOME`); default `process.env`. */
  readonly env?: Env;
  /** How long start may take; default 90 s. */
  readonly timeoutMs?: number;
}

export interface SecuredKafka {
  /** `127.0.0.1:<port>` of the SASL_SSL listener. */
  readonly brokers: readonly string[];
  /** The broker's self-signed certificate (PEM): the CA a client trusts (`kafka.ssl.ca`). */
  readonly caFile: string;
  readonly logFile: string;
  /** Kills the broker (its data is the caller's to delete). */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * Starts a private single-node Kafka (KRaft) with a SASL_SSL listener: a self-signed certificate for 127.0.0.1 made
 * with the JDK's keytool, SCRAM users created at format time, and ACLs enforced (StandardAuthorizer; `admin` is the
 * super user). It reuses the stack's jars, base properties, JVM options and readiness probe, and never touches the
 * stack's own broker: its own ports, its own folder, a child of this process. For tests of Tideline's TLS/SASL/ACLs.
 */
export async function startSecuredKafka(options: SecuredKafkaOptions): Promise<SecuredKafka> {
  const env = options.env ?? process.env;
  const adminPassword = options.users[options.admin];
  if (adminPassword === undefined) throw new Error(`the users must include the admin ${options.admin}`);
  const java = requireJava17(env);
  const repoRoot = findRepoRoot();
  const classpathSettings = resolveStackSettings(env, repoRoot);
  const libs = await ensureKafkaClasspath(classpathSettings, env, () => undefined);
  const classpath = `${libs}${path.sep}*`;

  const settings = resolveStackSettings(
    {
      TIDELINE_HOME: options.home,
      TIDELINE_KAFKA_PORT: String(options.port),
      TIDELINE_KAFKA_CONTROLLER_PORT: String(options.controllerPort),
    },
    repoRoot,
  );
  const { paths } = settings;
  fs.mkdirSync(paths.kafkaData, { recursive: true });
  const tls = makeBrokerCertificate(java, path.join(options.home, 'tls'));
  const mechanism: ScramMechanism = 'SCRAM-SHA-512';
  fs.writeFileSync(
    paths.kafkaServerProperties,
    renderKafkaServerProperties(settings) +
      renderSecuredListenerProperties({
        host: HOST,
        port: options.port,
        controllerPort: options.controllerPort,
        keyStore: tls.keyStore,
        keyStorePassword: tls.password,
        trustedPem: tls.certificatePem,
        admin: { username: options.admin, password: adminPassword },
        interBrokerMechanism: mechanism,
      }),
  );
  fs.writeFileSync(paths.kafkaLog4j2, renderKafkaLog4j2Properties());
  const logFile = path.join(options.home, 'kafka.log');
  await formatStorage(java, classpath, settings, logFile, scramFormatArgs(options.users));
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    java,
    [...kafkaJvmOptions(paths.kafkaLog4j2), '-cp', classpath, 'kafka.Kafka', paths.kafkaServerProperties],
    { cwd: paths.kafkaDir, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  // never leave a broker behind when the test process ends early
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await kill(child);
  };

  const brokers = [`${HOST}:${options.port}`];
  const ready = await waitUntilReady(
    () =>
      probeSecuredKafka(brokers, tls.certificatePem, {
        mechanism: 'scram-sha-512',
        username: options.admin,
        password: adminPassword,
      }),
    {
      timeoutMs: options.timeoutMs ?? 90_000,
      intervalMs: 300,
      giveUp: () => (child.exitCode !== null ? `the broker exited with code ${child.exitCode}` : undefined),
    },
  );
  if (!ready.ok) {
    await stop();
    throw new PrerequisiteError(`the secured broker did not start: ${ready.reason}; see ${logFile}`);
  }
  return { brokers, caFile: tls.certificatePem, logFile, stop };
}

/** A metadata request over SASL_SSL as the given user. */
async function probeSecuredKafka(
  brokers: readonly string[],
  caFile: string,
  sasl: { mechanism: 'scram-sha-512'; username: string; password: string },
): Promise<ProbeResult> {
  const admin = new Kafka({
    clientId: 'tideline-secured-readiness',
    brokers: [...brokers],
    ssl: { ca: [fs.readFileSync(caFile, 'utf8')] },
    sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1500,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { ok: true, detail: `cluster ${cluster.clusterId}` };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * A self-signed certificate for 127.0.0.1 (and localhost) in a PKCS12 key store for the broker, exported as PEM for
 * the clients to trust. keytool comes with the JDK that runs Kafka, so nothing else needs installing.
 */
function makeBrokerCertificate(
  java: string,
  dir: string,
): { keyStore: string; password: string; certificatePem: string } {
  const keytool = path.join(path.dirname(fs.realpathSync(java)), 'keytool');
  if (!fs.existsSync(keytool)) throw new PrerequisiteError(`keytool was not found beside ${java}`);
  fs.mkdirSync(dir, { recursive: true });
  const keyStore = path.join(dir, 'broker.p12');
  const certificatePem = path.join(dir, 'broker-ca.pem');
  const password = randomBytes(12).toString('hex');
  const common = ['-alias', 'broker', '-keystore', keyStore, '-storetype', 'PKCS12', '-storepass', password];
  keytoolOrThrow(keytool, [
    '-genkeypair',
    ...common,
    '-keypass',
    password,
    '-keyalg',
    'EC',
    '-groupname',
    'secp256r1',
    '-validity',
    '2',
    '-dname',
    'CN=127.0.0.1',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-noprompt',
  ]);
  keytoolOrThrow(keytool, ['-exportcert', '-rfc', ...common, '-file', certificatePem]);
  return { keyStore, password, certificatePem };
}

function keytoolOrThrow(keytool: string, args: string[]): void {
  const result = spawnSync(keytool, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new PrerequisiteError(`keytool ${args[0]} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
