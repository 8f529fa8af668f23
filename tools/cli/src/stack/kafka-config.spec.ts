import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  kafkaClusterId,
  kafkaJvmOptions,
  renderKafkaLog4j2Properties,
  renderKafkaServerProperties,
} from './kafka-config';
import { resolveStackSettings } from './stack-settings';

function properties(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return new Map(entries);
}

describe('renderKafkaServerProperties', () => {
  const settings = resolveStackSettings(
    { TIDELINE_HOME: '/h', TIDELINE_KAFKA_PORT: '29092', TIDELINE_KAFKA_CONTROLLER_PORT: '29093' },
    '/repo',
  );
  const props = properties(renderKafkaServerProperties(settings));

  it('runs broker and controller in one process with a static single-voter quorum on the controller port', () => {
    assert.equal(props.get('process.roles'), 'broker,controller');
    assert.equal(props.get('node.id'), '1');
    assert.equal(props.get('controller.quorum.voters'), '1@127.0.0.1:29093');
  });

  it('listens and advertises on loopback only, on the configured ports', () => {
    assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093');
    assert.equal(props.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:29092');
    for (const value of props.values()) assert.doesNotMatch(value, /0\.0\.0\.0|localhost/);
  });

  it('keeps data under the stack home and uses replication factor 1 for the internal topics', () => {
    assert.equal(props.get('log.dirs'), '/h/kafka/data');
    assert.equal(props.get('offsets.topic.replication.factor'), '1');
    assert.equal(props.get('transaction.state.log.replication.factor'), '1');
    assert.equal(props.get('group.initial.rebalance.delay.ms'), '0');
  });

  it('escapes backslashes in paths (a .properties file treats them as escapes)', () => {
    const windowsy = { ...settings, paths: { ...settings.paths, kafkaData: 'C:\\data' } };
    assert.equal(properties(renderKafkaServerProperties(windowsy)).get('log.dirs'), 'C:\\\\data');
  });
});

describe('renderKafkaLog4j2Properties', () => {
  it('logs warnings and the "Kafka Server started" line of KafkaRaftServer to the console', () => {
    const props = properties(renderKafkaLog4j2Properties().replace(/ = /g, '='));
    assert.equal(props.get('rootLogger.level'), 'WARN');
    assert.equal(props.get('appender.stdout.type'), 'Console');
    assert.equal(props.get('logger.raft.name'), 'kafka.server.KafkaRaftServer');
    assert.equal(props.get('logger.raft.level'), 'INFO');
  });
});

describe('kafkaClusterId', () => {
  it('encodes 16 bytes as 22 URL-safe base64 characters without padding', () => {
    const id = kafkaClusterId(() => new Uint8Array(16).fill(0xab));
    assert.equal(id.length, 22);
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
  });

  it('draws again when the id would start with "-" or be all zeros, as Kafka Uuid.randomUuid does', () => {
    const draws = [new Uint8Array(16).fill(0xf8), new Uint8Array(16), new Uint8Array(16).fill(7)];
    let calls = 0;
    const id = kafkaClusterId(() => draws[calls++] as Uint8Array);
    assert.equal(calls, 3);
    assert.equal(id, Buffer.from(new Uint8Array(16).fill(7)).toString('base64url'));
  });
});

describe('kafkaJvmOptions', () => {
  it('caps the heap at 512 MB and points log4j2 at our file', () => {
    const options = kafkaJvmOptions('/h/kafka/log4j2.properties');
    assert.ok(options.includes('-Xmx512m'));
    assert.ok(options.includes('-Dlog4j2.configurationFile=/h/kafka/log4j2.properties'));
  });
});
