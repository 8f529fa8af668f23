import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  kafkaClusterId,
  kafkaJvmOptions,
  renderKafkaLog4j2Properties,
  renderKafkaServerProperties,
  serverPropertiesIsOurs,
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

describe('renderKafkaServerProperties with a listener for other hosts', () => {
  const settings = resolveStackSettings(
    {
      TIDELINE_HOME: '/h',
      TIDELINE_KAFKA_PORT: '29092',
      TIDELINE_KAFKA_BIND: '127.0.0.1',
      TIDELINE_KAFKA_ADVERTISED_HOST: 'localhost',
    },
    '/repo',
  );

  it('binds the client listener where TIDELINE_KAFKA_BIND says and advertises TIDELINE_KAFKA_ADVERTISED_HOST', () => {
    const props = properties(renderKafkaServerProperties(settings));
    assert.equal(props.get('listeners'), 'PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:19093');
    assert.equal(props.get('advertised.listeners'), 'PLAINTEXT://localhost:29092');
    assert.equal(props.get('controller.quorum.voters'), '1@127.0.0.1:19093');
  });

  it('spells an IPv6 bind address in brackets', () => {
    const v6 = resolveStackSettings({ TIDELINE_KAFKA_BIND: '::1' }, '/repo');
    const props = properties(renderKafkaServerProperties(v6));
    assert.equal(props.get('listeners'), 'PLAINTEXT://[::1]:19092,CONTROLLER://127.0.0.1:19093');
    assert.equal(props.get('advertised.listeners'), 'PLAINTEXT://[::1]:19092');
  });

  it("appends the user's server.overrides.properties after its own lines, so that a key set there wins", () => {
    const text = renderKafkaServerProperties(settings, 'num.partitions=6\nlog.retention.hours=24\n');
    assert.equal(properties(text).get('num.partitions'), '6');
    assert.equal(properties(text).get('log.retention.hours'), '24');
    assert.ok(text.indexOf('num.partitions=6') > text.indexOf('num.partitions=1'));
    assert.match(text, /server\.overrides\.properties/);
  });
});

describe('serverPropertiesIsOurs', () => {
  const settings = resolveStackSettings({ TIDELINE_HOME: '/h' }, '/repo');
  const written = renderKafkaServerProperties(settings);

  it('lets the stack replace a missing file or one exactly as it wrote it', () => {
    assert.equal(serverPropertiesIsOurs(undefined), true);
    assert.equal(serverPropertiesIsOurs(written), true);
    assert.equal(serverPropertiesIsOurs(renderKafkaServerProperties(settings, 'num.partitions=6\n')), true);
  });

  it('refuses to replace a file edited by hand (a changed value, an added line)', () => {
    assert.equal(serverPropertiesIsOurs(written.replace('num.partitions=1', 'num.partitions=6')), false);
    assert.equal(serverPropertiesIsOurs(`${written}message.max.bytes=2000000\n`), false);
    assert.equal(serverPropertiesIsOurs('listeners=PLAINTEXT://0.0.0.0:19092\n'), false);
  });

  it('replaces the file earlier versions wrote, whose header said it is rewritten on every start', () => {
    const legacy = [
      '# Written by `tideline stack up` on every start; edit tools/devstack/src/kafka-config.ts instead.',
      'process.roles=broker,controller',
      '',
    ].join('\n');
    assert.equal(serverPropertiesIsOurs(legacy), true);
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
