import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFIG_ERROR_EXIT_CODE } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import {
  freePort,
  startService,
  type ServiceProcess,
  expectEventually,
  stackFromEnv,
  uniqueDatabase,
} from '@tideline/testing';

/**
 * HTTP credentials when a service listens beyond loopback, on the reporter (the service with the most to protect:
 * `/reports` and the dashboard at `/`), started as it runs in production on 0.0.0.0.
 */
describe('the reporter listening on 0.0.0.0', () => {
  const stack = stackFromEnv();
  const dataDir = mkdtempSync(join(tmpdir(), 'tideline-http-auth-'));
  const running: ServiceProcess[] = [];
  // the dashboard reads this database: it exists, empty
  const influx = new InfluxClient({ url: stack.influxUrl, database: uniqueDatabase('http_auth') });
  before(() => influx.ensureDatabase());
  after(async () => {
    for (const service of running) service.kill();
    rmSync(dataDir, { recursive: true, force: true });
    await influx.dropDatabase(influx.database).catch(() => undefined);
  });

  const launch = async (env: Record<string, string>) => {
    const port = await freePort();
    const service = startService({
      main: join(__dirname, '..', 'dist', 'main.js'),
      port,
      env: {
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        INFLUX_URL: stack.influxUrl,
        INFLUX_DATABASE: influx.database,
        TIDELINE__REPORTER__DATA_DIR: dataDir,
        HTTP_PORT: String(port),
        TIDELINE__HTTP__HOST: '0.0.0.0',
        ...env,
      },
    });
    running.push(service);
    return service;
  };

  it('refuses to start without credentials, exit 78 naming http.auth and http.allowUnauthenticated', async () => {
    const service = await launch({});
    const exit = await service.exit(20_000);
    assert.equal(exit.code, CONFIG_ERROR_EXIT_CODE);
    assert.match(
      service.stderr(),
      /http\.auth \(.*\) is required \(http\.host 0\.0\.0\.0 is reachable from other machines\)/,
    );
    assert.match(service.stderr(), /http\.allowUnauthenticated/);
  });

  it('keeps /health open and answers 401 on /metrics, /reports and / without the bearer token or the basic-auth pair', async () => {
    const token = randomBytes(16).toString('hex');
    const password = randomBytes(8).toString('hex');
    const service = await launch({
      HTTP_AUTH_TOKEN: token,
      TIDELINE__HTTP__AUTH__USERNAME: 'ops',
      TIDELINE__HTTP__AUTH__PASSWORD: password,
    });
    await expectEventually(
      async () => {
        assert.equal(service.child.exitCode, null, service.stderr());
        assert.equal((await fetch(`${service.url}/health/live`)).status, 200);
      },
      { timeoutMs: 30_000 },
    );
    const get = (path: string, authorization?: string) =>
      fetch(`${service.url}${path}`, authorization ? { headers: { authorization } } : {});
    const health = await get('/health');
    assert.notEqual(health.status, 401);
    await health.arrayBuffer();
    const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    for (const path of ['/metrics', '/reports', '/']) {
      const refused = await get(path);
      assert.equal(refused.status, 401, path);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Basic realm="tideline"/);
      await refused.arrayBuffer();
      assert.equal((await get(path, `Bearer ${token}x`)).status, 401, `${path} with a wrong token`);
      assert.equal((await get(path, basic('ops', `${password}x`))).status, 401, `${path} with a wrong password`);
    }
    const metrics = await get('/metrics', `Bearer ${token}`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^# HELP /m);
    const dashboard = await get('/', basic('ops', password));
    assert.equal(dashboard.status, 200, await dashboard.clone().text());
    assert.match(dashboard.headers.get('content-type') ?? '', /text\/html/);
    await dashboard.arrayBuffer();
    assert.equal((await get('/reports', `Bearer ${token}`)).status, 200);
    for (const secret of [token, password]) {
      assert.ok(!service.stdout().includes(secret) && !service.stderr().includes(secret), 'a credential was printed');
    }
  });
});
