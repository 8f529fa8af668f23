import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { HOST_METRIC_NAMES, MEASUREMENT_FIELDS, MEASUREMENT_TAGS, type AlertEvent } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { TrendSummary } from '@tideline/stats';
import { freePort, type ServiceProcess, expectEventually, stackFromEnv } from '@tideline/testing';
import { REPO_ROOT, caughtUp, exportGaugeHistory, runCli, startApp, systemEnv, systemNames } from './system-harness';
import { CHROMIUM, CHROMIUM_ARGS, TestSmtp } from '../testing/test-servers';

const DAY = 86_400_000;
const NAB = join(REPO_ROOT, 'datasets', 'nab', 'data', 'realKnownCause');
const NAB_FILES = ['ec2_request_latency_system_failure.csv', 'machine_temperature_system_failure.csv'];
const SDK_HOST = 'acceptance-app-1';

/** Counts the colours of a PNG's pixels (every 7th): a chart with a band has many, a blank image one. */
function colours(png: Buffer): number {
  const image = PNG.sync.read(png);
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 28) seen.add(image.data.readUInt32BE(i));
  return seen.size;
}

/**
 * A disk filling up on the SDK-instrumented app's host: 10-minute points over the last 7 days, from 55 % rising
 * 3 points a day with ±0.4 noise (deterministic), so the disk is full in about 3 weeks.
 */
function fillingDisk(now: number): { ts: number; value: number }[] {
  const step = 10 * 60_000;
  const from = Math.floor((now - 7 * DAY) / step) * step;
  const points: { ts: number; value: number }[] = [];
  let seed = 7;
  for (let ts = from; ts < now - step; ts += step) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    points.push({ ts, value: 55 + ((ts - from) / DAY) * 3 + ((seed / 0x7fffffff) * 0.8 - 0.4) });
  }
  return points;
}

/**
 * Pixels of the baseline band: the chart renderer's band colour (120, 170, 230) at 30 % over white is about
 * (219, 230, 245); over the grid or an alert span it shifts a little, so a range.
 */
function bandPixels(png: Buffer): number {
  const { data } = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (b >= 235 && b - r >= 20 && b - r <= 40 && g > r && g < b) n++;
  }
  return n;
}

describe('the whole system, from its real inputs to the weekly e-mail (no fixtures)', { timeout: 900_000 }, () => {
  const stack = stackFromEnv();
  const names = systemNames('acceptance');
  const env = systemEnv(names, stack);
  const kafka = new Kafka({ clientId: 'acceptance', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  const influx = new InfluxClient({ url: stack.influxUrl, database: names.database, timeoutMs: 120_000 });
  const alertMessages: KafkaMessage[] = [];
  const alertsConsumer = kafka.consumer({ groupId: `${names.anomalyGroup}-reader`, maxWaitTimeInMs: 100 });
  const services: ServiceProcess[] = [];
  let home: string;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'tideline-acceptance-'));
    // The services first (the baseline service creates the topics and the database), then the inputs.
    services.push(await startApp('baseline', env), await startApp('anomaly', env));
    await alertsConsumer.connect();
    await alertsConsumer.subscribe({ topic: names.alerts, fromBeginning: true });
    await alertsConsumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => void alertMessages.push(message),
    });
  });

  after(async () => {
    for (const s of services) await s.stop(15_000).catch(() => s.kill());
    await alertsConsumer.disconnect().catch(() => undefined);
    // TIDELINE_KEEP_ACCEPTANCE=1 keeps the database and the saved report (under the temp folder) to look at.
    if (!process.env['TIDELINE_KEEP_ACCEPTANCE']) {
      await influx.dropDatabase(names.database).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    }
  });

  it('stores the contract layout, then e-mails the incidents the alerts topic carried, charts with bands, a projection of the filling disk and a recommendation; Chromium renders it without console errors', async () => {
    // 1. The collector on this host, every second, to the test's metrics topic.
    const collector = await startApp('collector', { ...env, TIDELINE__COLLECTOR__INTERVAL_MS: '1000' });
    services.push(collector);

    // 2. NAB history, replayed by the product (shifted by whole weeks into the past month).
    const nabDir = join(home, 'nab');
    await mkdir(nabDir);
    for (const f of NAB_FILES) await copyFile(join(NAB, f), join(nabDir, f));
    const replay = await runCli(['replay', nabDir, '--host', 'nab-1', '--topic', names.metrics], env);
    assert.equal(replay.code, 0, replay.stderr);
    const replayed = Number(/replayed (\d+) events/.exec(replay.stdout)?.[1]);
    assert.ok(replayed > 25_000, replay.stdout);

    // 3. An SDK-instrumented app whose data disk fills up over the week.
    const now = Date.now();
    const disk = fillingDisk(now);
    const exported = await exportGaugeHistory(
      {
        brokers: stack.kafkaBrokers,
        topic: names.metrics,
        context: { host: SDK_HOST, service: 'orders-api', version: '1.0.0' },
      },
      { name: HOST_METRIC_NAMES.diskUsedPercent, unit: '%', attributes: { mount: '/data' }, points: disk },
    );

    // 4. Let the collector take some samples, stop it, and wait until both services have handled everything.
    const hostPoints = async (host: string, metric?: string): Promise<number> => {
      const rows = await influx.query<{ count?: number }>(
        `SELECT count("value") AS "count" FROM "points" WHERE "host" = '${host}'` +
          (metric ? ` AND "metric" = '${metric}'` : ''),
      );
      return rows[0]?.count ?? 0;
    };
    await expectEventually(
      async () =>
        assert.ok((await hostPoints(hostname(), HOST_METRIC_NAMES.cpuUsage)) >= 10, '10 s of collector samples stored'),
      {
        timeoutMs: 120_000,
        intervalMs: 1000,
      },
    );
    await collector.stop(15_000);
    await expectEventually(
      async () => {
        // (the replayed points older than the 30-day retention are judged but not stored)
        assert.ok((await hostPoints('nab-1')) > 0, 'replayed points stored');
        assert.equal(await hostPoints(SDK_HOST), exported, 'every SDK point stored');
        assert.ok(await caughtUp(kafka, names.baselineGroup, names.metrics), 'baseline service caught up');
        assert.ok(await caughtUp(kafka, names.anomalyGroup, names.baselines), 'anomaly service caught up');
      },
      { timeoutMs: 600_000, intervalMs: 2000, message: 'the pipeline did not catch up' },
    );
    await expectEventually(
      async () => {
        const [stored] = await influx.query<{ count?: number }>('SELECT count("score") AS "count" FROM "alerts"');
        const end = await kafka.admin();
        await end.connect();
        const offsets = await end.fetchTopicOffsets(names.alerts).finally(() => end.disconnect());
        const onTopic = offsets.reduce((sum, o) => sum + Number(o.high), 0);
        assert.equal(alertMessages.length, onTopic, 'read every alert on the topic');
        assert.ok(onTopic > 0, 'the replayed failures raised alerts');
        // rows older than the retention are not kept; every alert of the past 30 days is
        assert.ok((stored?.count ?? 0) > 0 && (stored?.count ?? 0) <= onTopic);
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );

    // What the services stored is the contract's layout (the one `tideline bench report` writes, held to the same
    // tables by bench-report-data.spec.ts): the four measurements, their fields with their types, their tags.
    const measurements = (await influx.query<{ name: string }>('SHOW MEASUREMENTS')).map((r) => r.name).sort();
    assert.deepEqual(measurements, Object.keys(MEASUREMENT_FIELDS).sort());
    for (const measurement of Object.keys(MEASUREMENT_FIELDS) as (keyof typeof MEASUREMENT_FIELDS)[]) {
      const fields = await influx.query<{ fieldKey: string; fieldType: string }>(
        `SHOW FIELD KEYS FROM "${measurement}"`,
      );
      assert.deepEqual(
        Object.fromEntries(fields.map((f) => [f.fieldKey, f.fieldType])),
        MEASUREMENT_FIELDS[measurement],
        measurement,
      );
      const tags = (await influx.query<{ tagKey: string }>(`SHOW TAG KEYS FROM "${measurement}"`)).map((t) => t.tagKey);
      // points also carry the events' own tags (the collector's core, mount, device…; the SDK's service, version)
      if (measurement === 'points')
        assert.ok(
          MEASUREMENT_TAGS.points.every((t) => tags.includes(t)),
          tags.join(),
        );
      else assert.deepEqual(tags.sort(), [...MEASUREMENT_TAGS[measurement]].sort(), measurement);
    }

    // The filling disk's trend summary, as the baseline service kept it: its closed half hours in trend_buckets are
    // exactly the complete buckets of a libs/stats TrendSummary that learned the SDK's points (what `tideline bench
    // time-to-limit` evaluates); the report's projection below reads these rows, not the raw points.
    const oracle = new TrendSummary();
    for (const p of disk) oracle.update(p.ts, p.value);
    const closed = oracle.complete(disk[disk.length - 1]!.ts);
    const trendRows = await influx.query<{ time: number; mean: number; count: number }>(
      `SELECT "mean", "count" FROM "trend_buckets" WHERE "host" = '${SDK_HOST}' AND "metric" = '${HOST_METRIC_NAMES.diskUsedPercent}'`,
    );
    assert.deepEqual(
      trendRows.map((r) => [r.time, r.mean, r.count]),
      [...closed.starts].map((start, i) => [
        start,
        closed.values[i],
        disk.filter((p) => p.ts >= start && p.ts < start + oracle.bucketMs).length,
      ]),
    );

    // 5. The report, by the CLI as a user runs it, to a real SMTP server.
    const until = Date.now();
    const since = until - 7 * DAY;
    const smtp = new TestSmtp(await freePort());
    await smtp.start();
    let mail: ParsedMail;
    let summary: { incidents: number; projections: number; recommendations: number };
    try {
      const report = await runCli(
        [
          'report',
          '--now',
          '--since',
          new Date(since).toISOString(),
          '--until',
          new Date(until).toISOString(),
          '--to',
          'ops@example.com',
          '--smtp-url',
          `smtp://127.0.0.1:${smtp.port}`,
          '--json',
        ],
        { ...env, TIDELINE_HOME: home, TIDELINE__REPORTER__DATA_DIR: join(home, 'reporter') },
      );
      assert.equal(report.code, 0, `${report.stdout}\n${report.stderr}`);
      const out = JSON.parse(report.stdout.trim().split('\n').pop()!) as {
        summary: typeof summary;
        deliveries: { state: string }[];
      };
      summary = out.summary;
      assert.deepEqual(
        out.deliveries.map((d) => d.state),
        ['delivered'],
      );
      await expectEventually(() => assert.equal(smtp.messages.length, 1));
      mail = await simpleParser(smtp.messages[0]!, { keepCidLinks: true });
    } finally {
      await smtp.stop();
    }
    const text = mail.text ?? '';
    const html = typeof mail.html === 'string' ? mail.html : '';

    // The incidents: one per alert id the alerts topic carried whose incident overlaps the period (as the reporter
    // reads `alerts`: rows of the period and the week before, an incident ending at its resolve or at `until`).
    const alerts = alertMessages.map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent);
    const byId = new Map<string, AlertEvent[]>();
    for (const a of alerts) byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
    const expected = [...byId]
      .filter(([, rows]) => {
        const inRange = rows.some((r) => r.updatedAt >= since - 7 * DAY && r.updatedAt < until);
        const resolved = rows.find((r) => r.state === 'resolved');
        const end = resolved ? resolved.updatedAt : until;
        return inRange && end >= since && rows.some((r) => r.state === 'firing');
      })
      .map(([id]) => id)
      .sort();
    assert.ok(expected.length > 0, 'the replayed failures or the filling disk fired in the period');
    assert.equal(summary.incidents, expected.length, 'as many incidents as alerts on the topic');
    const listed = [...text.matchAll(/alert ([0-9a-f]{32})/g)].map((m) => m[1]!);
    assert.deepEqual([...new Set(listed)].sort(), expected, 'the e-mail lists the alerts of the topic by id');

    // Charts: inline PNGs referenced by cid, with a band (many colours, not a line on a blank).
    const pngs = mail.attachments.filter((a) => a.contentType === 'image/png');
    assert.ok(pngs.length >= 2, `${pngs.length} PNG attachments`);
    for (const a of pngs) {
      assert.equal(a.contentDisposition, 'inline');
      assert.ok(a.cid && html.includes(`cid:${a.cid}`), `the HTML shows ${a.cid}`);
    }
    // Each chart decodes, and the filling disk's is a full picture. A replayed NAB series can end minutes into the
    // period (whole-week shifts put its last point anywhere in the past week, depending on the day the test runs),
    // and its chart then holds a few points on axes: few colours, so not every chart can be held to that.
    const pictures = pngs.filter((a) => colours(a.content) > 10);
    assert.ok(
      pictures.length >= 1,
      `charts that are pictures, not blanks: ${pictures.map((a) => a.filename).join(', ')}`,
    );
    // The filling disk's chart has its band over the whole week (a replayed NAB series may end minutes into the
    // period, where its chart has no band to draw: whole-week shifts put the last point anywhere in the past week).
    const bands = pngs.map((a) => bandPixels(a.content));
    assert.ok(Math.max(...bands) > 1000, `band pixels per chart: ${bands.join(', ')}`);

    // The filling disk: projected to be full, and a recommendation to add capacity.
    assert.ok(summary.projections >= 1 && summary.recommendations >= 1, JSON.stringify(summary));
    assert.match(text, new RegExp(`${SDK_HOST} disk\\.used_percent: disk full \\(100\\) in [\\d.]+ d`), text);
    assert.match(text, new RegExp(`\\* Add capacity for disk\\.used_percent on ${SDK_HOST}`), text);

    // 6. The HTML as a mail client shows it (inline images resolved), in headless Chromium.
    let page = html;
    for (const a of pngs)
      page = page.split(`cid:${a.cid}`).join(`data:image/png;base64,${a.content.toString('base64')}`);
    assert.ok(!page.includes('cid:'), 'every cid resolves to an attachment');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage({ viewport: { width: 820, height: 1200 } });
      const errors: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.setContent(page, { waitUntil: 'load' });
      const decoded = await tab.evaluate<number[]>('Array.from(document.images).map((i) => i.naturalWidth)');
      assert.equal(decoded.length, pngs.length);
      assert.ok(
        decoded.every((w) => w > 0),
        'every chart decodes',
      );
      assert.deepEqual(errors, []);
      const shot = join(home, 'report-screenshot.png');
      await tab.screenshot({ path: shot, fullPage: true });
      assert.ok(colours(await readFile(shot)) > 10);
      // TIDELINE_REPORT_SCREENSHOT=docs/report-screenshot.png regenerates the README's picture from this run.
      const keep = process.env['TIDELINE_REPORT_SCREENSHOT'];
      if (keep) await copyFile(shot, keep);
    } finally {
      await browser.close();
    }
  });
});
