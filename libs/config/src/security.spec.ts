import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from './load-config';
import { configSecrets, redactSecrets } from './secrets';
import { isLoopbackHost } from './sections/http.section';
import { configError, temporaryConfigFiles } from './testing/config-files';

const files = temporaryConfigFiles('tideline-security');
after(() => files.cleanUp());
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('kafka.ssl and kafka.sasl', () => {
  it('leaves TLS and SASL off by default', () => {
    const { kafka } = loadConfig('collector', { argv: [], env: {} });
    assert.equal(kafka.ssl, undefined);
    assert.equal(kafka.sasl, undefined);
  });

  it('turns `ssl: true` (file or KAFKA_SSL) into TLS that verifies the broker, and takes PEM paths from the file', () => {
    assert.deepEqual(loadConfig('collector', { argv: [], env: { KAFKA_SSL: 'true' } }).kafka.ssl, {
      rejectUnauthorized: true,
    });
    assert.deepEqual(
      loadConfig('collector', { argv: [], env: {}, configPath: files.yamlFile('t.yaml', 'kafka:\n  ssl: true\n') })
        .kafka.ssl,
      { rejectUnauthorized: true },
    );
    const ca = files.yamlFile('ca.pem', PEM);
    const yaml = files.yamlFile('ssl.yaml', `kafka:\n  ssl: { ca: ${JSON.stringify(ca)} }\n`);
    const { kafka } = loadConfig('cli', {
      argv: [],
      configPath: yaml,
      env: { TIDELINE__KAFKA__SSL__REJECT_UNAUTHORIZED: 'false' },
    });
    assert.deepEqual(kafka.ssl, { ca, rejectUnauthorized: false });
  });

  it('refuses an unreadable PEM file and a cert without its key, naming the key', () => {
    const missing = configError(() =>
      loadConfig('baseline', { argv: [], env: { TIDELINE__KAFKA__SSL__CA: '/nonexistent/ca.pem' } }),
    );
    assert.equal(missing.key, 'kafka.ssl.ca');
    assert.match(missing.message, /^kafka\.ssl\.ca \(env TIDELINE__KAFKA__SSL__CA\) is invalid: .*cannot be read/);
    const cert = files.yamlFile('cert.pem', PEM);
    const lonely = configError(() => loadConfig('baseline', { argv: [], env: { TIDELINE__KAFKA__SSL__CERT: cert } }));
    assert.equal(lonely.key, 'kafka.ssl.key');
    assert.match(lonely.message, /cert and key go together/);
  });

  it('reads SASL from KAFKA_SASL_* and requires a known mechanism, naming the key and the allowed values', () => {
    const env = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'baseline', KAFKA_SASL_PASSWORD: 'pw-1' };
    assert.deepEqual(loadConfig('baseline', { argv: [], env }).kafka.sasl, {
      mechanism: 'scram-sha-512',
      username: 'baseline',
      password: 'pw-1',
    });
    const unknown = configError(() =>
      loadConfig('baseline', { argv: [], env: { ...env, KAFKA_SASL_MECHANISM: 'gssapi' } }),
    );
    assert.equal(unknown.key, 'kafka.sasl.mechanism');
    assert.match(unknown.message, /allowed: one of scram-sha-256, scram-sha-512, plain/);
    const noMechanism = configError(() =>
      loadConfig('baseline', { argv: [], env: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'pw-1' } }),
    );
    assert.equal(noMechanism.key, 'kafka.sasl.mechanism');
    assert.match(noMechanism.message, /is required/);
  });

  it('refuses SASL/PLAIN without TLS, and a bad SASL password is never repeated', () => {
    const plain = configError(() =>
      loadConfig('collector', {
        argv: [],
        env: { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'c', KAFKA_SASL_PASSWORD: 'hunter2-plain' },
      }),
    );
    assert.equal(plain.key, 'kafka.sasl.mechanism');
    assert.match(plain.message, /unencrypted/);
    assert.doesNotMatch(plain.message, /hunter2/);
    const yaml = files.yamlFile(
      'pw.yaml',
      'kafka:\n  sasl: { mechanism: scram-sha-256, username: c, password: 123456 }\n',
    );
    const numeric = configError(() => loadConfig('collector', { argv: [], env: {}, configPath: yaml }));
    assert.equal(numeric.key, 'kafka.sasl.password');
    assert.doesNotMatch(numeric.message, /123456/);
  });
});

describe('http.auth', () => {
  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'tideline.internal'])
      assert.equal(isLoopbackHost(host), false, host);
  });

  it('refuses a non-loopback http.host without credentials, naming http.auth and the way out', () => {
    const error = configError(() => loadConfig('reporter', { argv: [], env: { TIDELINE__HTTP__HOST: '0.0.0.0' } }));
    assert.equal(error.key, 'http.auth');
    assert.match(
      error.message,
      /^http\.auth \(.*\) is required \(http\.host 0\.0\.0\.0 is reachable from other machines\)/,
    );
    assert.match(error.message, /http\.allowUnauthenticated/);
  });

  it('starts beyond loopback with a token (HTTP_AUTH_TOKEN), basic auth, or an explicit allowUnauthenticated', () => {
    const token = 'a-token-of-sixteen+';
    assert.deepEqual(
      loadConfig('reporter', { argv: [], env: { TIDELINE__HTTP__HOST: '0.0.0.0', HTTP_AUTH_TOKEN: token } }).http.auth,
      { token },
    );
    const basic = loadConfig('reporter', {
      argv: [],
      env: {
        TIDELINE__HTTP__HOST: '0.0.0.0',
        TIDELINE__HTTP__AUTH__USERNAME: 'ops',
        TIDELINE__HTTP__AUTH__PASSWORD: 'long-enough',
      },
    });
    assert.deepEqual(basic.http.auth, { username: 'ops', password: 'long-enough' });
    const open = loadConfig('reporter', {
      argv: [],
      env: { TIDELINE__HTTP__HOST: '0.0.0.0', TIDELINE__HTTP__ALLOW_UNAUTHENTICATED: 'true' },
    });
    assert.equal(open.http.auth, undefined);
    assert.equal(open.http.allowUnauthenticated, true);
  });

  it('refuses a short token without repeating it, and a username without a password', () => {
    const short = configError(() => loadConfig('baseline', { argv: [], env: { HTTP_AUTH_TOKEN: 'shorty-secret' } }));
    assert.equal(short.key, 'http.auth.token');
    assert.doesNotMatch(short.message, /shorty-secret/);
    const lonely = configError(() =>
      loadConfig('baseline', { argv: [], env: { TIDELINE__HTTP__AUTH__USERNAME: 'ops' } }),
    );
    assert.equal(lonely.key, 'http.auth.password');
    assert.match(lonely.message, /username and password go together/);
  });
});

describe('anomaly.webhooks[].secret', () => {
  const load = (webhook: string) =>
    loadConfig('anomaly', {
      argv: [],
      env: {},
      configPath: files.yamlFile('hook.yaml', `anomaly:\n  webhooks:\n    - ${webhook}\n`),
    });

  it('refuses a webhook without secret or secretEnv unless it is configured unsigned: true', () => {
    const error = configError(() => load('{ name: ops, url: "http://hooks.example/x" }'));
    assert.equal(error.key, 'anomaly.webhooks.secret');
    assert.match(error.message, /^anomaly\.webhooks\[0\]\.secret \(webhooks\[0\] is "ops"; in .*\) is required/);
    assert.match(error.message, /set unsigned: true/);
    assert.equal(
      load('{ name: ops, url: "http://hooks.example/x", unsigned: true }').anomaly.webhooks[0]?.unsigned,
      true,
    );
    assert.equal(
      load('{ name: ops, url: "http://hooks.example/x", secretEnv: HOOK_KEY }').anomaly.webhooks[0]?.unsigned,
      false,
    );
  });

  it('refuses a webhook that has a secret and says unsigned', () => {
    const error = configError(() => load('{ name: ops, url: "http://x.example", secret: abc, unsigned: true }'));
    assert.equal(error.key, 'anomaly.webhooks.unsigned');
  });
});

describe('configSecrets and redactSecrets', () => {
  it('collects every secret of a config: secret-named keys, URL passwords, secretEnv values; not paths or names', () => {
    const config = {
      kafka: { sasl: { mechanism: 'plain', username: 'svc', password: 'kafka-pw' }, ssl: { key: '/etc/tls/key.pem' } },
      influx: { url: 'http://writer:url%2Fpw@influx:8086', password: 'influx-pw', token: 'tok-123' },
      http: { auth: { token: 'http-token-0123456789' } },
      anomaly: {
        webhooks: [
          { name: 'a', secret: 'hook-secret' },
          { name: 'b', secretEnv: 'HOOK_B' },
        ],
      },
      reporter: { smtp: { url: 'smtp://mailer:mail-pw@smtp:25' } },
    };
    const secrets = configSecrets(config, { HOOK_B: 'from-env-secret' });
    for (const secret of [
      'kafka-pw',
      'url%2Fpw',
      'url/pw',
      'influx-pw',
      'tok-123',
      'http-token-0123456789',
      'hook-secret',
      'from-env-secret',
      'mail-pw',
    ]) {
      assert.ok(secrets.includes(secret), secret);
    }
    for (const notSecret of ['/etc/tls/key.pem', 'HOOK_B', 'svc', 'writer'])
      assert.ok(!secrets.includes(notSecret), notSecret);
  });

  it('replaces every occurrence of each secret and masks URL credentials', () => {
    const line = redactSecrets('auth kafka-pw failed (kafka-pw); POST http://u:other@h/x', ['kafka-pw']);
    assert.equal(line, 'auth *** failed (***); POST http://***@h/x');
  });
});
