import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PrivateInfluxd, expectEventually, stackFromEnv, uniqueDatabase } from '@tideline/testing';
import { BatchWriter } from './batch-writer';
import { InfluxClient } from './influx-client';
import { InfluxError } from './influx-errors';
import type { Point } from './line-protocol';
import type { RejectedPoint } from './partial-write';

const stack = stackFromEnv();
const shared = new InfluxClient({ url: stack.influxUrl, database: '_internal' });
const databases: string[] = [];

async function freshDatabase(client: InfluxClient, prefix: string): Promise<string> {
  const database = uniqueDatabase(prefix);
  databases.push(database);
  await client.ensureDatabase(database);
  return database;
}

after(async () => {
  await Promise.allSettled(databases.map((database) => shared.dropDatabase(database)));
});

const T0 = Date.UTC(2026, 0, 1);

function points(count: number, from = 0): Point[] {
  return Array.from({ length: count }, (_, i) => ({
    measurement: 'points',
    tags: { series: `cpu|host=h${(from + i) % 2}`, host: `h${(from + i) % 2}`, metric: 'cpu' },
    fields: { value: (from + i) * 0.5 },
    timestampMs: T0 + (from + i) * 1000,
  }));
}

describe('InfluxClient (shared InfluxDB)', () => {
  it('answers ping with the server version', async () => {
    const pong = await shared.ping();
    assert.match(pong.version, /^\d+\.\d+/);
  });

  it('writes a batch and reads it back with InfluxQL as typed rows, times in epoch ms', async () => {
    const database = await freshDatabase(shared, 'roundtrip');
    const client = new InfluxClient({ url: stack.influxUrl, database });
    await client.writePoints(points(10));
    const rows = await client.query<{ time: number; value: number; host: string }>(
      'SELECT "value", "host" FROM "points" ORDER BY time ASC',
    );
    assert.equal(rows.length, 10);
    assert.deepEqual(rows[3], { time: T0 + 3000, value: 1.5, host: 'h1' });
    const grouped = await client.query<{ host: string; count: number }>(
      'SELECT count("value") FROM "points" GROUP BY "host"',
    );
    assert.deepEqual(
      grouped.map((row) => [row.host, row.count]),
      [
        ['h0', 5],
        ['h1', 5],
      ],
    );
    const bound = await client.query<{ value: number }>(
      'SELECT "value" FROM "points" WHERE "host" = $host AND time >= $t',
      {
        params: { host: 'h0', t: new Date(T0 + 4000).toISOString() },
      },
    );
    assert.deepEqual(
      bound.map((row) => row.value),
      [2, 3, 4],
    );
  });

  it("surfaces InfluxDB's own message for a query it cannot parse", async () => {
    await assert.rejects(shared.query('SELECT * FROM'), (error: unknown) => {
      assert.ok(error instanceof InfluxError);
      assert.equal(error.retriable, false);
      assert.equal(error.status, 400);
      assert.match(error.influxMessage ?? '', /^error parsing query: found EOF, expected identifier/);
      assert.ok(error.message.includes(error.influxMessage ?? '?'));
      return true;
    });
  });

  it('surfaces a statement error (unknown database) and a refused write, neither retriable', async () => {
    const missing = uniqueDatabase('missing');
    await assert.rejects(shared.query('SELECT * FROM "points"', { database: missing }), (error: unknown) => {
      assert.ok(error instanceof InfluxError);
      assert.equal(error.influxMessage, `database not found: ${missing}`);
      assert.equal(error.retriable, false);
      return true;
    });
    await assert.rejects(shared.writeLines(['m v=1'], { database: missing }), (error: unknown) => {
      assert.ok(error instanceof InfluxError);
      assert.equal(error.code, 'influx_database_not_found');
      assert.equal(error.retriable, false);
      return true;
    });
    const database = await freshDatabase(shared, 'badline');
    await assert.rejects(shared.writeLines(['m v='], { database }), (error: unknown) => {
      assert.ok(error instanceof InfluxError);
      assert.equal(error.status, 400);
      assert.match(error.influxMessage ?? '', /unable to parse 'm v=': missing field value/);
      return true;
    });
  });

  it('ensureDatabase sets up a default retention policy, idempotently, and alters it to match', async () => {
    const database = uniqueDatabase('rp');
    databases.push(database);
    await shared.ensureDatabase(database, { name: 'tideline_rp', duration: '30d' });
    await shared.ensureDatabase(database, { name: 'tideline_rp', duration: '30d' });
    type Rp = { name: string; duration: string; default: boolean };
    let policies = await shared.query<Rp>(`SHOW RETENTION POLICIES ON "${database}"`);
    const created = policies.find((p) => p.name === 'tideline_rp');
    assert.equal(created?.duration, '720h0m0s');
    assert.equal(created?.default, true);
    assert.equal(policies.filter((p) => p.default).length, 1, 'exactly one default policy');
    await shared.ensureRetentionPolicy(database, { name: 'tideline_rp', duration: '7d' });
    policies = await shared.query<Rp>(`SHOW RETENTION POLICIES ON "${database}"`);
    assert.equal(policies.find((p) => p.name === 'tideline_rp')?.duration, '168h0m0s');
  });

  it("ensureDatabase applies the connection's retention to autogen, as the default, and writes land in it", async () => {
    const database = uniqueDatabase('retention');
    databases.push(database);
    type Rp = { name: string; duration: string; shardGroupDuration: string; default: boolean };
    const policies = async (): Promise<[string, string, string, boolean][]> =>
      (await shared.query<Rp>(`SHOW RETENTION POLICIES ON "${database}"`)).map((p) => [
        p.name,
        p.duration,
        p.shardGroupDuration,
        p.default,
      ]);
    // data of a database that existed before the retention was applied
    const before = new InfluxClient({ url: stack.influxUrl, database });
    await before.ensureDatabase();
    const now = Date.now();
    await before.writeLines([`m v=1 ${now}`]);
    assert.deepEqual(await policies(), [['autogen', '0s', '168h0m0s', true]], 'no retention: InfluxDB keeps it all');

    const client = new InfluxClient({ url: stack.influxUrl, database, retention: '30d' });
    await client.ensureDatabase();
    await client.ensureDatabase();
    // 7-day shards (shardDurationFor): the weekly report's two weeks span 3 shard groups, not 15
    assert.deepEqual(await policies(), [['autogen', '720h0m0s', '168h0m0s', true]]);
    await client.writeLines([`m v=2 ${now + 1}`]);
    const [counted] = await client.query<{ count: number }>('SELECT count("v") FROM "autogen"."m"');
    assert.equal(counted?.count, 2, 'the older point and the new one, both in the policy queries read by default');
    // an older point than the retention is refused by InfluxDB, not stored
    await assert.rejects(client.writeLines([`m v=3 ${now - 40 * 86_400_000}`]), /beyond retention policy/);

    // a restart with a shorter retention alters the policy, shard duration included
    await new InfluxClient({ url: stack.influxUrl, database, retention: '1h' }).ensureDatabase();
    assert.deepEqual(await policies(), [['autogen', '1h0m0s', '1h0m0s', true]]);
    // another database named in the call is left to its caller
    const other = uniqueDatabase('retention_other');
    databases.push(other);
    await client.ensureDatabase(other);
    assert.deepEqual(
      (await shared.query<Rp>(`SHOW RETENTION POLICIES ON "${other}"`)).map((p) => p.duration),
      ['0s'],
    );
  });

  it('BatchWriter writes everything it accepted to the shared server', async () => {
    const database = await freshDatabase(shared, 'writer');
    const client = new InfluxClient({ url: stack.influxUrl, database });
    const writer = new BatchWriter(client, { maxBatchPoints: 100, flushIntervalMs: 50 });
    writer.write(points(1000));
    await writer.flush();
    const [row] = await client.query<{ count: number }>('SELECT count("value") FROM "points"');
    assert.equal(row?.count, 1000);
    assert.deepEqual(
      { ...writer.stats(), lastError: undefined },
      {
        accepted: 1000,
        written: 1000,
        dropped: 0,
        rejected: 0,
        pending: 0,
        flushes: 10,
        retries: 0,
        lastError: undefined,
      },
    );
    await writer.close();
  });
});

describe('BatchWriter against a server that goes down (private influxd)', () => {
  const influxd = new PrivateInfluxd();
  before(() => influxd.start());
  after(() => influxd.destroy());

  it('retries writes issued while the server is stopped and lands every one of them once it is back', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'outage', timeoutMs: 2000 });
    await client.ensureDatabase();
    let retries = 0;
    const writer = new BatchWriter(client, {
      maxBatchPoints: 50,
      flushIntervalMs: 50,
      retry: { initialDelayMs: 50, maxDelayMs: 500 },
      hooks: { onRetry: () => retries++ },
    });
    writer.write(points(100, 0));
    await writer.flush();
    assert.equal(writer.stats().written, 100);

    await influxd.stop();
    for (let burst = 0; burst < 3; burst++) writer.write(points(100, 100 + burst * 100));
    await expectEventually(() => assert.ok(retries >= 3, `retried ${retries} times`), { timeoutMs: 20_000 });
    const during = writer.stats();
    assert.equal(during.written, 100, 'nothing lands while the server is down');
    assert.equal(during.pending, 300);
    assert.match(during.lastError ?? '', /unreachable/);

    await influxd.start();
    await writer.flush();
    const [row] = await client.query<{ count: number }>('SELECT count("value") FROM "points"');
    assert.equal(row?.count, 400, 'every point written while the server was down has landed');
    const stats = writer.stats();
    assert.deepEqual(
      [stats.accepted, stats.written, stats.dropped, stats.rejected, stats.pending],
      [400, 400, 0, 0, 0],
    );
    await writer.close();
  });
});

describe('BatchWriter when InfluxDB refuses some points of a batch (private influxd with tiny series limits)', () => {
  const influxd = new PrivateInfluxd({ data: ['max-series-per-database = 0', 'max-values-per-tag = 4'] });
  before(() => influxd.start());
  after(() => influxd.destroy());

  /** A point of series `s<n>` (its own `series` tag value: 4 values at most are taken). */
  const line = (n: number, i: number) => `points,series=s${n},metric=m value=${i} ${T0 + i * 1000}`;

  it('stores the points InfluxDB takes, hands over only the refused ones with its reason, and counts only those', async () => {
    const client = new InfluxClient({ url: influxd.url, database: 'limits', timeoutMs: 5000 });
    await client.ensureDatabase();
    // the direct answer, as InfluxDB gives it: HTTP 400, a partial write naming the limit and how many it dropped
    await client.writeLines([line(0, 0), line(1, 0), line(2, 0), line(3, 0)]);
    const direct = await client.writeLines([line(0, 1), line(9, 1)]).catch((error: unknown) => error);
    assert.ok(direct instanceof InfluxError, String(direct));
    assert.equal(direct.status, 400);
    assert.match(direct.influxMessage ?? '', /^partial write: max-values-per-tag limit exceeded .*dropped=1$/);

    const handedOver: RejectedPoint[] = [];
    const writer = new BatchWriter(client, {
      maxBatchPoints: 1000,
      flushIntervalMs: 50,
      onRejectedPoints: async (rejected) => void handedOver.push(...rejected),
    });
    // 10 points of each known series (s0-s3) interleaved with one point of each of 20 new series (s10-s29)
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      if (i < 10) for (let n = 0; n < 4; n++) lines.push(line(n, 100 + i));
      lines.push(line(10 + i, 100 + i));
    }
    writer.writeLines(lines);
    await writer.flush();

    const stats = writer.stats();
    assert.deepEqual(
      [stats.accepted, stats.written, stats.rejected, stats.dropped, stats.pending],
      [60, 40, 20, 0, 0],
      'only the 20 points of new series are refused',
    );
    assert.deepEqual(
      handedOver.map((p) => p.line),
      lines.filter((l) => !/series=s[0-3],/.test(l)),
      'exactly the refused lines are handed over, in order',
    );
    for (const point of handedOver) {
      assert.equal(point.reason, 'influx_max_values_per_tag');
      assert.match(point.message, /max-values-per-tag limit exceeded/);
    }
    const rows = await client.query<{ count: number }>(
      'SELECT count("value") FROM "points" WHERE time >= ' + String(T0 + 100_000) + 'ms GROUP BY "series"',
    );
    assert.equal(
      rows.reduce((sum, row) => sum + row.count, 0),
      40,
      'the 40 points of the known series are stored',
    );
    await writer.close();
  });
});
