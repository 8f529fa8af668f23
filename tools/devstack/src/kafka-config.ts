import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { hostPort, type StackSettings } from './stack-settings';

/** The first line of the files earlier versions wrote, which said that the file is rewritten on every start. */
const LEGACY_HEADER =
  '# Written by `tideline stack up` on every start; edit tools/devstack/src/kafka-config.ts instead.';

/** The line of `server.properties` that records the SHA-256 of everything below it, as `tideline stack up` wrote it. */
const DIGEST_PREFIX = '# tideline-sha256: ';

/**
 * `server.properties` for one combined broker+controller (KRaft). The client listener binds and advertises what the
 * settings say (loopback by default); the controller stays on loopback, only this process talks to it. A static quorum
 * (`controller.quorum.voters`) means `StorageTool format` needs no `--standalone`. `overrides`, the text of the user's
 * `server.overrides.properties`, is appended: a key set there wins (the last occurrence of a key counts).
 */
export function renderKafkaServerProperties(settings: StackSettings, overrides = ''): string {
  const { host, kafkaListener, ports, paths } = settings;
  const client = hostPort(kafkaListener.bind, ports.kafka);
  const controller = hostPort(host, ports.kafkaController);
  const body = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${controller}`,
    `listeners=PLAINTEXT://${client},CONTROLLER://${controller}`,
    `advertised.listeners=PLAINTEXT://${hostPort(kafkaListener.advertisedHost, ports.kafka)}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${escapeProperty(paths.kafkaData)}`,
    '# a single broker: replication factor 1 on the internal topics',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    '# the defaults (50 partitions, 3 s delay) slow down every first consumer-group join',
    'num.partitions=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    ...(overrides.trim() === ''
      ? []
      : [`# from ${path.basename(paths.kafkaServerOverrides)} (these win)`, overrides.trimEnd()]),
    '',
  ].join('\n');
  return [
    '# Written by `tideline stack up` on every start from its settings (TIDELINE_KAFKA_BIND,',
    '# TIDELINE_KAFKA_ADVERTISED_HOST, TIDELINE_KAFKA_PORT, ...). Do not edit: put your own settings in',
    `# ${path.basename(paths.kafkaServerOverrides)} beside this file; they are appended below and win.`,
    `${DIGEST_PREFIX}${sha256(body)}`,
    body,
  ].join('\n');
}

/**
 * Whether `server.properties` as found on disk may be replaced: it is missing, or it is exactly what `tideline stack
 * up` wrote (its body still matches the digest line), or one an earlier version wrote (which said it is rewritten).
 * A file edited by hand is not replaced: the stack refuses to start rather than throw the edits away.
 */
export function serverPropertiesIsOurs(existing: string | undefined): boolean {
  if (existing === undefined) return true;
  const lines = existing.split('\n');
  if (lines[0] === LEGACY_HEADER) return true;
  const at = lines.findIndex((line) => line.startsWith(DIGEST_PREFIX));
  if (at < 0) return false;
  return lines[at]!.slice(DIGEST_PREFIX.length).trim() === sha256(lines.slice(at + 1).join('\n'));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** log4j2 configuration: warnings and the broker's "Kafka Server started" line, to stdout (the log file). */
export function renderKafkaLog4j2Properties(): string {
  return [
    '# Written by `tideline stack up`.',
    'status = warn',
    '# Kafka shuts itself down on SIGTERM; log4j stopping first would lose its last lines',
    'shutdownHook = disable',
    'appender.stdout.type = Console',
    'appender.stdout.name = STDOUT',
    'appender.stdout.layout.type = PatternLayout',
    'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = WARN',
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    'logger.raft.name = kafka.server.KafkaRaftServer',
    'logger.raft.level = INFO',
    '',
  ].join('\n');
}

/**
 * A Kafka cluster id: 16 random bytes in URL-safe base64 without padding (Kafka's `Uuid.toString`). Kafka's own
 * `Uuid.randomUuid()` rejects ids starting with "-" and the all-zero id; so do we. Saves a JVM start
 * (`StorageTool random-uuid`) on the first `up`.
 */
export function kafkaClusterId(randomBytes: (size: number) => Uint8Array): string {
  for (;;) {
    const bytes = randomBytes(16);
    if (bytes.length !== 16) throw new Error(`expected 16 random bytes, got ${bytes.length}`);
    const id = Buffer.from(bytes).toString('base64url');
    if (!id.startsWith('-') && bytes.some((b) => b !== 0)) return id;
  }
}

/** JVM options: a small heap is plenty for one local broker (the scripts default to 1 GB). */
export function kafkaJvmOptions(log4j2File: string): string[] {
  return [
    '-Xms256m',
    '-Xmx512m',
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j2File}`,
  ];
}

/** Java .properties values treat `\` as an escape character. */
function escapeProperty(value: string): string {
  return value.replace(/\\/g, '\\\\');
}
