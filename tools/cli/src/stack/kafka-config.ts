import type { StackSettings } from './stack-settings';

/**
 * `server.properties` for one combined broker+controller (KRaft) on loopback. A static quorum
 * (`controller.quorum.voters`) means `StorageTool format` needs no `--standalone`.
 */
export function renderKafkaServerProperties(settings: StackSettings): string {
  const { host, ports, paths } = settings;
  const lines = [
    '# Written by `tideline stack up` on every start; edit tools/cli/src/stack/kafka-config.ts instead.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
    `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
    `advertised.listeners=PLAINTEXT://${host}:${ports.kafka}`,
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
    '',
  ];
  return lines.join('\n');
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
