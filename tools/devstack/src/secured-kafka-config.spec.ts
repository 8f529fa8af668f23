import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TOPICS } from '@tideline/contracts';
import { findRepoRoot } from './repo-root';
import {
  TIDELINE_KAFKA_ACLS,
  kafkaAclsCommand,
  renderSecuredListenerProperties,
  scramFormatArgs,
  scramJaas,
} from './secured-kafka-config';

/** Java .properties as Kafka reads them: the last value of a key wins. */
function parseProperties(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

describe('secured broker properties', () => {
  const overlay = renderSecuredListenerProperties({
    host: '127.0.0.1',
    port: 29093,
    controllerPort: 29094,
    keyStore: '/tmp/b.p12',
    keyStorePassword: 'ks',
    trustedPem: '/tmp/ca.pem',
    admin: { username: 'admin', password: 'a"b\\c' },
  });

  it('overrides the plaintext listeners with SASL_SSL, enforces ACLs and makes only admin (and the controller link) super', () => {
    const base =
      'listeners=PLAINTEXT://127.0.0.1:29093,CONTROLLER://127.0.0.1:29094\ninter.broker.listener.name=PLAINTEXT\n';
    const props = parseProperties(base + overlay);
    assert.equal(props.get('listeners'), 'SASL_SSL://127.0.0.1:29093,CONTROLLER://127.0.0.1:29094');
    assert.equal(props.get('advertised.listeners'), 'SASL_SSL://127.0.0.1:29093');
    assert.equal(props.get('inter.broker.listener.name'), 'SASL_SSL');
    assert.equal(props.get('authorizer.class.name'), 'org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    assert.equal(props.get('allow.everyone.if.no.acl.found'), 'false');
    assert.equal(props.get('super.users'), 'User:admin;User:ANONYMOUS');
    // a login for every enabled mechanism (the broker refuses to start without one)
    for (const mechanism of props.get('sasl.enabled.mechanisms')!.split(',')) {
      assert.ok(props.has(`listener.name.sasl_ssl.${mechanism.toLowerCase()}.sasl.jaas.config`), mechanism);
    }
  });

  it('quotes the JAAS values (\\" and \\\\) and then escapes every backslash once more for the properties file', () => {
    assert.equal(
      scramJaas({ username: 'admin', password: 'a"b\\c' }),
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="a\\\\"b\\\\\\\\c";',
    );
  });

  it('creates each SCRAM user under both mechanisms and refuses names the format syntax cannot hold', () => {
    assert.deepEqual(scramFormatArgs({ sdk: 'pw1' }), [
      '--add-scram',
      'SCRAM-SHA-256=[name=sdk,password=pw1]',
      '--add-scram',
      'SCRAM-SHA-512=[name=sdk,password=pw1]',
    ]);
    assert.throws(() => scramFormatArgs({ sdk: 'a,b' }), /may not contain/);
  });
});

describe('TIDELINE_KAFKA_ACLS', () => {
  const writers = (topic: string) =>
    Object.entries(TIDELINE_KAFKA_ACLS)
      .filter(([, acls]) => acls.some((acl) => acl.name === topic && acl.operations.includes('WRITE')))
      .map(([principal]) => principal)
      .sort();

  it('lets only the collector and SDK write metrics, and only the anomaly service write alerts and alert state', () => {
    assert.deepEqual(writers(TOPICS.metrics), ['collector', 'sdk']);
    assert.deepEqual(writers(TOPICS.alerts), ['anomaly']);
    assert.deepEqual(writers(TOPICS.alertState), ['anomaly']);
  });

  it('is what docs/operations.md tells operators to run, command for command', () => {
    const docs = readFileSync(join(findRepoRoot(), 'docs', 'operations.md'), 'utf8');
    const documented = docs.split('\n').filter((line) => line.startsWith('kafka-acls.sh '));
    const expected = Object.entries(TIDELINE_KAFKA_ACLS).flatMap(([principal, acls]) =>
      acls.map((acl) => kafkaAclsCommand(principal, acl)),
    );
    assert.deepEqual(documented, expected);
  });
});
