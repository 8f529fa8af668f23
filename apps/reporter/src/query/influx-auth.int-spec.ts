import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@tideline/config';
import { MEASUREMENTS } from '@tideline/contracts';
import { BatchWriter, InfluxClient, InfluxError } from '@tideline/influx';
import { influxClientFor } from '@tideline/service';
import { PrivateInfluxd } from '@tideline/testing';
import { ReportQueryStore } from './report-query.store';

/**
 * Tideline against an InfluxDB that authenticates (`auth-enabled = true`): a private influxd of this test's own, an
 * admin and a user for Tideline with rights on one database. The services' writer (BatchWriter) and the reporter's
 * queries (ReportQueryStore) work with `influx.username`/`password` and with credentials in `influx.url`, through the
 * services' own client factory; a wrong password fails clearly and is not retried.
 */
describe('InfluxDB with authentication (private influxd, auth-enabled = true)', () => {
  const influxd = new PrivateInfluxd({ http: ['auth-enabled = true'] });
  const adminPassword = randomBytes(9).toString('hex');
  const password = randomBytes(9).toString('hex');
  const database = 'tideline_auth';
  const T0 = Date.UTC(2026, 0, 5, 12);
  const configFor = (env: Record<string, string>) =>
    loadConfig('reporter', { argv: [], env: { INFLUX_DATABASE: database, ...env } });

  before(async () => {
    await influxd.start();
    // the first user may be created without credentials, and only as an admin
    const anonymous = new InfluxClient({ url: influxd.url, database });
    await anonymous.execute(`CREATE USER "admin" WITH PASSWORD '${adminPassword}' WITH ALL PRIVILEGES`);
    const admin = new InfluxClient({ url: influxd.url, database, username: 'admin', password: adminPassword });
    await admin.ensureDatabase();
    await admin.execute(`CREATE USER "tideline" WITH PASSWORD '${password}'`);
    await admin.execute(`GRANT ALL ON "${database}" TO "tideline"`);
  });
  after(() => influxd.destroy());

  const line = (host: string, i: number) =>
    `${MEASUREMENTS.points},host=${host},metric=cpu,series=cpu|host\\=${host} value=${i} ${T0 + i * 10_000}`;

  it('writes with influx.username/password and queries the report with credentials in influx.url', async () => {
    const writerClient = influxClientFor(
      configFor({ INFLUX_URL: influxd.url, INFLUX_USERNAME: 'tideline', INFLUX_PASSWORD: password }),
    );
    const writer = new BatchWriter(writerClient, { flushIntervalMs: 50 });
    writer.writeLines([line('a', 0), line('a', 1), line('b', 2)]);
    await writer.flush();
    await writer.close();
    assert.equal(writer.stats().written, 3, JSON.stringify(writer.stats()));
    assert.equal(writer.stats().rejected, 0);

    const url = new URL(influxd.url);
    url.username = 'tideline';
    url.password = password;
    const queries = new ReportQueryStore(influxClientFor(configFor({ INFLUX_URL: url.toString() })));
    assert.equal(await queries.hasPoints(T0, T0 + 60_000), true);
    assert.deepEqual([...(await queries.firstPointTimes(['a', 'b'], T0, T0 + 60_000))].sort(), [
      ['a', T0],
      ['b', T0 + 20_000],
    ]);
  });

  it('fails a write and a report query with a wrong password, clearly and without retrying, and never names it', async () => {
    const wrong = `${password}-wrong`;
    const client = influxClientFor(
      configFor({ INFLUX_URL: influxd.url, INFLUX_USERNAME: 'tideline', INFLUX_PASSWORD: wrong }),
    );
    const write = await client.writeLines([line('a', 9)]).catch((error: unknown) => error);
    assert.ok(write instanceof InfluxError, String(write));
    assert.equal(write.status, 401);
    assert.equal(write.retriable, false);
    assert.match(write.message, /InfluxDB refused the write of 1 points \(HTTP 401\): authorization failed/);

    const rejected: unknown[] = [];
    const writer = new BatchWriter(client, {
      flushIntervalMs: 50,
      hooks: { onRejected: ({ error }) => void rejected.push(error) },
    });
    writer.writeLines([line('a', 10)]);
    await writer.flush();
    await writer.close();
    assert.deepEqual([writer.stats().written, writer.stats().rejected], [0, 1]);
    assert.match(String(rejected[0]), /authorization failed/);

    const url = new URL(influxd.url);
    url.username = 'tideline';
    url.password = wrong;
    const queries = new ReportQueryStore(influxClientFor(configFor({ INFLUX_URL: url.toString() })));
    const query = await queries.hasPoints(T0, T0 + 60_000).catch((error: unknown) => error);
    assert.ok(query instanceof InfluxError, String(query));
    assert.equal(query.status, 401);
    assert.match(query.message, /authorization failed/);
    assert.ok(!query.message.includes(wrong), query.message);

    // no credentials at all: refused too (the database is not open to anonymous users)
    const anonymous = await new InfluxClient({ url: influxd.url, database })
      .query('SELECT * FROM points LIMIT 1')
      .catch((e: unknown) => e);
    assert.ok(anonymous instanceof InfluxError && anonymous.status === 401, String(anonymous));
  });

  it("starts on a database an admin created: ensureDatabase as Tideline's user keeps it, and names what to do when it is missing", async () => {
    const user = (db: string) =>
      new InfluxClient({ url: influxd.url, database: db, username: 'tideline', password, retention: '30d' });
    // the services call this at every start; InfluxDB lets only an admin run CREATE DATABASE, even for one that exists
    await user(database).ensureDatabase();
    const missing = await user('tideline_other')
      .ensureDatabase()
      .catch((error: unknown) => error);
    assert.ok(missing instanceof InfluxError, String(missing));
    assert.equal(missing.retriable, false);
    assert.match(
      missing.message,
      /database tideline_other does not exist and this InfluxDB user may not create it \(not an admin\)/,
    );
  });
});
