import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classpathNeedsResolving, ensureKafkaClasspath } from './kafka-classpath';
import {
  kafkaClusterId,
  kafkaJvmOptions,
  renderKafkaLog4j2Properties,
  renderKafkaServerProperties,
  serverPropertiesIsOurs,
} from './kafka-config';
import type { ManagedComponent, Output } from './managed-component';
import { PrerequisiteError, requireJava17, requireMaven } from './prerequisites';
import { probeKafka } from './readiness';
import { kafkaBrokers, PORT_ENV, type Env, type StackSettings } from './stack-settings';

/**
 * Apache Kafka as one KRaft process (broker + controller) from the Maven-resolved jars: `kafka.tools.StorageTool
 * format` on first start, then `kafka.Kafka server.properties`. Ready when a metadata request succeeds.
 */
export function kafkaServer(settings: StackSettings, env: Env): ManagedComponent {
  const { paths, ports } = settings;
  const classpath = `${paths.kafkaLibs}${path.sep}*`;
  let java = 'java';
  return {
    name: 'kafka',
    address: kafkaBrokers(settings),
    pidFile: path.join(paths.runDir, 'kafka.pid'),
    logFile: path.join(paths.runDir, 'kafka.log'),
    marker: paths.kafkaServerProperties,
    ports: [
      { port: ports.kafka, env: PORT_ENV.kafka },
      { port: ports.kafkaController, env: PORT_ENV.kafkaController },
    ],
    async preflight() {
      java = requireJava17(env);
      if (classpathNeedsResolving(settings)) requireMaven(env);
    },
    async prepare(out: Output) {
      java = requireJava17(env);
      await ensureKafkaClasspath(settings, env, (line) => out.info(`kafka: ${line}`));
      fs.mkdirSync(paths.kafkaData, { recursive: true });
      writeServerProperties(settings);
      fs.writeFileSync(paths.kafkaLog4j2, renderKafkaLog4j2Properties());
      if (!fs.existsSync(path.join(paths.kafkaData, 'meta.properties'))) {
        out.info(`kafka: formatting storage in ${paths.kafkaData}`);
        await formatStorage(java, classpath, settings, path.join(paths.runDir, 'kafka.log'));
      }
    },
    spawnSpec() {
      return {
        command: java,
        args: [...kafkaJvmOptions(paths.kafkaLog4j2), '-cp', classpath, 'kafka.Kafka', paths.kafkaServerProperties],
        cwd: paths.kafkaDir,
        env: { ...env },
      };
    },
    probe: () => probeKafka(kafkaBrokers(settings)),
  };
}

/**
 * Writes `server.properties` from the settings and the user's `server.overrides.properties`, unless the file was
 * edited by hand since the stack wrote it: then nothing starts, and the message says where the edits belong.
 */
function writeServerProperties(settings: StackSettings): void {
  const { kafkaServerProperties: file, kafkaServerOverrides: overrides } = settings.paths;
  if (!serverPropertiesIsOurs(readIfExists(file))) {
    throw new PrerequisiteError(
      `${file} was edited by hand; tideline writes it on every start and will not overwrite your edits. Move them to ` +
        `${overrides} (appended on every start, its keys win), then delete ${file}`,
    );
  }
  fs.writeFileSync(file, renderKafkaServerProperties(settings, readIfExists(overrides) ?? ''));
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Formats the broker's KRaft storage (a no-op for storage already formatted) with Kafka's StorageTool; `extraArgs`
 * go to the tool as well (e.g. SCRAM users to create at format time). Its output is appended to `logFile`.
 */
export async function formatStorage(
  java: string,
  classpath: string,
  settings: StackSettings,
  logFile: string,
  extraArgs: readonly string[] = [],
): Promise<void> {
  const { paths } = settings;
  const args = [
    `-Dlog4j2.configurationFile=${paths.kafkaLog4j2}`,
    '-cp',
    classpath,
    'kafka.tools.StorageTool',
    'format',
    '--cluster-id',
    kafkaClusterId((size) => randomBytes(size)),
    '--config',
    paths.kafkaServerProperties,
    '--ignore-formatted',
    ...extraArgs,
  ];
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  try {
    fs.writeSync(fd, `\n--- ${new Date().toISOString()} formatting: ${java} ${args.join(' ')}\n`);
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(java, args, { cwd: paths.kafkaDir, stdio: ['ignore', fd, fd] });
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode ?? 1));
    });
    if (code !== 0) {
      throw new PrerequisiteError(`formatting Kafka's storage failed (exit code ${code}); see ${logFile}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}
