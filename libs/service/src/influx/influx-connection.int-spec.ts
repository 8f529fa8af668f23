import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import { stackFromEnv, uniqueDatabase } from '@tideline/testing';
import { influxClientFor } from './influx-connection.module';

type Policy = { name: string; duration: string; default: boolean };

describe("a service's InfluxDB client applies influx.retention when it creates the database", () => {
  const stack = stackFromEnv();
  const databases: string[] = [];
  const admin = new InfluxClient({ url: stack.influxUrl, database: '_internal' });
  const policies = (database: string) => admin.query<Policy>(`SHOW RETENTION POLICIES ON "${database}"`);

  after(async () => {
    for (const database of databases) await admin.dropDatabase(database).catch(() => undefined);
  });

  /** The client a service gets from its config, and the call the baseline and anomaly services make at start. */
  async function start(env: Record<string, string>): Promise<void> {
    const config = loadConfig('baseline', { argv: [], env: { INFLUX_URL: stack.influxUrl, ...env } });
    await influxClientFor(config).ensureDatabase();
  }

  it('makes the default 30d the default policy of a new database', async () => {
    const database = uniqueDatabase('svc_rp');
    databases.push(database);
    await start({ INFLUX_DATABASE: database });
    assert.deepEqual(
      (await policies(database)).map((p) => [p.name, p.duration, p.default]),
      [['autogen', '720h0m0s', true]],
    );
  });

  it('alters it when a restart brings another retention (TIDELINE__INFLUX__RETENTION), INF included', async () => {
    const database = uniqueDatabase('svc_rp');
    databases.push(database);
    await start({ INFLUX_DATABASE: database });
    await start({ INFLUX_DATABASE: database, TIDELINE__INFLUX__RETENTION: '2d' });
    assert.deepEqual(
      (await policies(database)).map((p) => [p.name, p.duration, p.default]),
      [['autogen', '48h0m0s', true]],
    );
    await start({ INFLUX_DATABASE: database, TIDELINE__INFLUX__RETENTION: 'INF' });
    assert.equal((await policies(database))[0]?.duration, '0s');
  });
});
