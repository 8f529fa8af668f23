import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { kafkajsSecurity } from './kafka-security';

describe('kafkajsSecurity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tideline-kafka-security-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds nothing without kafka.ssl and kafka.sasl (plaintext, unauthenticated)', () => {
    assert.deepEqual(kafkajsSecurity({}), {});
  });

  it("reads the PEM files' contents into kafkajs' ssl options and passes SASL through", () => {
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const security = kafkajsSecurity({
      ssl: {
        ca: file('ca.pem', 'CA'),
        cert: file('c.pem', 'CERT'),
        key: file('k.pem', 'KEY'),
        rejectUnauthorized: true,
      },
      sasl: { mechanism: 'scram-sha-512', username: 'anomaly', password: 'pw' },
    });
    assert.deepEqual(security, {
      ssl: { rejectUnauthorized: true, ca: ['CA'], cert: 'CERT', key: 'KEY' },
      sasl: { mechanism: 'scram-sha-512', username: 'anomaly', password: 'pw' },
    });
    assert.deepEqual(kafkajsSecurity({ ssl: { rejectUnauthorized: true } }), { ssl: { rejectUnauthorized: true } });
  });
});
