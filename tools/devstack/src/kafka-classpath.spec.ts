import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { classpathIsCurrent, POM_DIGEST_FILE, pomDigest } from './kafka-classpath';

describe('the Kafka jar cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tideline-libs-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keys the cache by the SHA-256 of the pom, so any change to the pom changes the key', () => {
    const a = pomDigest('<project><kafka.version>4.1.2</kafka.version></project>');
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, pomDigest('<project><kafka.version>4.1.3</kafka.version></project>'));
  });

  it('is current only with the same digest and the kafka jar present', () => {
    const digest = pomDigest('pom');
    assert.equal(classpathIsCurrent(dir, digest), false, 'empty folder');
    fs.writeFileSync(path.join(dir, 'kafka_2.13-4.1.2.jar'), '');
    assert.equal(
      classpathIsCurrent(dir, digest),
      false,
      'jars without a digest file (resolved by hand or by an older pom)',
    );
    fs.writeFileSync(path.join(dir, POM_DIGEST_FILE), `${digest}\n`);
    assert.equal(classpathIsCurrent(dir, digest), true);
    assert.equal(classpathIsCurrent(dir, pomDigest('changed pom')), false, 'pom changed');
    fs.rmSync(path.join(dir, 'kafka_2.13-4.1.2.jar'));
    assert.equal(classpathIsCurrent(dir, digest), false, 'jar missing');
    assert.equal(classpathIsCurrent(path.join(dir, 'nope'), digest), false, 'folder missing');
  });
});
