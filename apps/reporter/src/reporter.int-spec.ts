import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { DEFAULT_REPORTER_LIMITS, reporterSectionSchema } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import { freePort, startService, expectEventually, stackFromEnv, uniqueDatabase } from '@tideline/testing';
import { buildFixtureWeek, type FixtureWeek } from './fixtures/fixture-week';
import { ReportQueryStore } from './query/report-query.store';
import { createReporter, type Reporter } from './reporter.factory';
import { CHROMIUM, CHROMIUM_ARGS, TestSmtp } from './testing/test-servers';

/** Runs in the page (no DOM types here): each image's natural width, how many colours it has, its laid-out width. */
const IMAGE_PROBE = `Array.from(document.images).map((img) => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width || 1, canvas.height || 1).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 28) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return { naturalWidth: img.naturalWidth, colours: colours.size, shownWidth: img.getBoundingClientRect().width };
})`;

function pngIsNonUniform(png: Buffer): boolean {
  const image = PNG.sync.read(png);
  const first = image.data.readUInt32BE(0);
  for (let i = 4; i < image.data.length; i += 4) if (image.data.readUInt32BE(i) !== first) return true;
  return false;
}

describe('reporter against InfluxDB and a real SMTP server', () => {
  const stack = stackFromEnv();
  const database = uniqueDatabase('reporter');
  const influx = new InfluxClient({ url: stack.influxUrl, database, timeoutMs: 120_000 });
  let fixture: FixtureWeek;
  let dataDir: string;
  const reporters: Reporter[] = [];

  const settingsFor = (smtpPort: number, dir: string) =>
    reporterSectionSchema.parse({
      dataDir: dir,
      smtp: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'tideline@example.com', timeoutMs: 2000 },
      recipients: { ops: ['ops@example.com', 'not an address'], storage: ['dba@example.com'] },
      // the default limits (disk and memory of the collector) and an SLO
      limits: [
        ...DEFAULT_REPORTER_LIMITS,
        { metric: 'http.server.duration.p99', limit: 800, kind: 'slo', label: 'SLO 800 ms' },
      ],
      delivery: { initialDelayMs: 50, maxDelayMs: 200 },
    });

  before(async () => {
    await influx.ensureDatabase(database);
    fixture = buildFixtureWeek(Date.parse('2026-11-23T08:00:00Z'));
    for (let i = 0; i < fixture.lines.length; i += 5000) await influx.writeLines(fixture.lines.slice(i, i + 5000));
    dataDir = await mkdtemp(join(tmpdir(), 'tideline-reporter-int-'));
  });

  after(async () => {
    for (const r of reporters) r.close();
    await influx.dropDatabase(database).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  let reportId = '';

  it('e-mails the week with the incident, the disk projection as a range, recommendations and inline PNG charts', async () => {
    const smtp = new TestSmtp(await freePort());
    await smtp.start();
    try {
      const reporter = createReporter(settingsFor(smtp.port, dataDir), influx, database);
      reporters.push(reporter);
      const result = await reporter.runner.run({ trigger: 'on-demand', since: fixture.since, until: fixture.until });
      reportId = result.report.id;
      assert.ok(existsSync(result.saved.htmlPath), 'the HTML is saved');
      assert.deepEqual(
        result.deliveries.map((d) => d.state),
        ['delivered', 'delivered'],
      );
      await expectEventually(() => assert.equal(smtp.messages.length, 2));
      const mails: ParsedMail[] = await Promise.all(smtp.messages.map((m) => simpleParser(m, { keepCidLinks: true })));
      const ops = mails.find((m) => JSON.stringify(m.to).includes('ops@example.com'))!;
      assert.ok(ops, 'one message per team');
      assert.match(ops.subject ?? '', /Tideline weekly report/);
      const text = ops.text ?? '';
      const html = typeof ops.html === 'string' ? ops.html : '';

      // The incident: the critical alert on web-1's latency, Wednesday 14:00 UTC to its resolve 1 h 45 later, peak 1450,
      // listed with the alert's own id.
      assert.match(
        text,
        new RegExp(
          `Wed 2026-11-18 14:00, 1 h 45 min, web-1 \\[critical\\]: http\\.server\\.duration\\.p99; peak 1450 \\(score 0\\.660\\).*; alert ${fixture.incident.id}`,
        ),
      );
      assert.match(html, /web-1<\/td><td[^>]*>http\.server\.duration\.p99<\/td>/);
      // The disk projection (a default limit, by the collector's metric name), as an 80 % range around a median,
      // 1.5 %/day from ~76 % to 100 %: about 16 days.
      const disk =
        /db-1 disk\.used_percent: disk full \(100\) in ([\d.]+) d \(80 % range p10–p90 ([\d.]+ d[\d h]*) – ([\d.]+ d[\d h]*|never)\)/.exec(
          text,
        );
      assert.ok(disk, `disk projection in:\n${text}`);
      assert.ok(Number(disk[1]) > 12 && Number(disk[1]) < 20, `p50 ${disk[1]} d`);
      const projection = result.report.projections.find((p) => p.metric === 'disk.used_percent' && p.host === 'db-1');
      assert.ok(projection && projection.etaP10Ms <= projection.etaP50Ms && projection.etaP50Ms <= projection.etaP90Ms);
      assert.match(html, /<th[^>]*>80 % range \(p10–p90\)<\/th>/);
      // Recommendations with their numbers.
      assert.match(
        text,
        /\* Add capacity for disk\.used_percent on db-1: disk full in [\d.]+ d\n {2}now 76\.\d+, growing 1\.\d+\/day/,
      );
      assert.match(
        text,
        /\* Investigate a possible memory leak: process\.memory\.rss on db-1\n {2}daily low rose on \d of 6 days/,
      );
      assert.match(
        text,
        /\* Lower the alert sensitivity of cpu\.usage_percent on web-2\n {2}8 alerts this week, 8 of 8 resolved \(100 %\) over within 15 min, 2 flaps/,
      );
      assert.match(text, /\* Declare a maintenance window 02:00–03:00 on batch-1/);
      // What is missing: the invalid recipient, the new host, the missing day.
      assert.match(text, /Not sent to "not an address" \(reporter\.recipients\.ops\)/);
      assert.match(text, /host new-1 \(from Thu 2026-11-19\)/);
      assert.match(text, /1 series have whole days without data/);
      assert.match(text, /web-2 queue\.depth: 100 -> 1\d\d \(\+\d+\.\d %\)/, 'the shifted baseline');

      // Charts: inline PNG attachments, referenced from the HTML by cid, each a real picture.
      const pngs = ops.attachments.filter((a) => a.contentType === 'image/png');
      assert.ok(pngs.length >= 3, `${pngs.length} PNG attachments`);
      for (const a of pngs) {
        assert.equal(a.contentDisposition, 'inline');
        assert.ok(a.cid && html.includes(`cid:${a.cid}`), `the HTML shows ${a.cid}`);
        assert.ok(pngIsNonUniform(a.content), `${a.filename} is not a blank image`);
      }
    } finally {
      await smtp.stop();
    }
  });

  it('finds points in the fixture week and none a year earlier (what decides whether a missed tick is caught up)', async () => {
    const store = new ReportQueryStore(influx, database);
    const YEAR = 365 * 86_400_000;
    assert.equal(await store.hasPoints(fixture.since, fixture.until), true);
    assert.equal(await store.hasPoints(fixture.since - YEAR, fixture.until - YEAR), false);
  });

  it('keeps the report while the SMTP server is down and delivers it exactly once when it comes back', async () => {
    const port = await freePort(); // nothing listens here yet
    const dir = await mkdtemp(join(tmpdir(), 'tideline-reporter-down-'));
    const smtp = new TestSmtp(port);
    try {
      const reporter = createReporter(
        { ...settingsFor(port, dir), recipients: { ops: ['ops@example.com'] } },
        influx,
        database,
      );
      reporters.push(reporter);
      const result = await reporter.runner.run({ trigger: 'on-demand', since: fixture.since, until: fixture.until });
      assert.deepEqual(
        result.deliveries.map((d) => d.state),
        ['pending'],
      );
      assert.ok(existsSync(result.saved.htmlPath), 'saved before sending');
      assert.equal((await reporter.queue.list('pending')).length, 1);

      await smtp.start();
      // A restarted reporter (new objects, same folder) picks the pending message up.
      const restarted = createReporter(
        { ...settingsFor(port, dir), recipients: { ops: ['ops@example.com'] } },
        influx,
        database,
      );
      reporters.push(restarted);
      await expectEventually(
        async () => {
          await restarted.delivery.deliverDue();
          assert.equal(smtp.messages.length, 1);
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      // Further passes (both instances) send nothing more.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await Promise.all([reporter.delivery.deliverDue(), restarted.delivery.deliverDue()]);
      assert.equal(smtp.messages.length, 1);
      const [delivered] = await restarted.queue.list('delivered');
      assert.ok(delivered && delivered.attempts >= 2, 'took more than one attempt');
    } finally {
      await smtp.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the saved report at GET /reports/:id, and Chromium shows its charts without console errors', async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`,
    );
    const port = await freePort();
    const service = startService({
      main: join(__dirname, '..', 'dist', 'main.js'),
      port,
      env: {
        HTTP_PORT: String(port),
        INFLUX_URL: stack.influxUrl,
        INFLUX_DATABASE: database,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        TIDELINE__REPORTER__DATA_DIR: dataDir,
        TIDELINE__REPORTER__SCHEDULE__ENABLED: 'false',
        LOG_LEVEL: 'warn',
      },
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const list = await expectEventually(async () => {
        const response = await fetch(`${service.url}/reports`);
        assert.equal(response.status, 200);
        return (await response.json()) as { reports: { id: string; html: string }[] };
      });
      const entry = list.reports.find((r) => r.id === reportId);
      assert.ok(entry, `GET /reports lists ${reportId}`);
      const json = (await (await fetch(`${service.url}/reports/${reportId}/report.json`)).json()) as {
        incidents: { id: string }[];
      };
      // one incident per alert, with the alert's id
      assert.deepEqual(json.incidents.map((i) => i.id).sort(), [...fixture.alertIds].sort());

      const page = await browser.newPage({ viewport: { width: 820, height: 1200 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`${service.url}${entry.html}`, { waitUntil: 'load' });
      const images = await page.evaluate<{ naturalWidth: number; colours: number; shownWidth: number }[]>(IMAGE_PROBE);
      assert.ok(images.length >= 3, `${images.length} charts on the page`);
      for (const img of images) {
        assert.ok(img.naturalWidth > 0, 'the image decoded');
        assert.ok(img.colours > 10, `the image has ${img.colours} colours, not a blank`);
        assert.ok(img.shownWidth > 300, 'the image is laid out at a readable size');
      }
      assert.deepEqual(errors, []);
      const shot = join(dataDir, 'report-screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(pngIsNonUniform(await readFile(shot)));
      const keep = process.env['TIDELINE_REPORT_SCREENSHOT'];
      if (keep) await copyFile(shot, keep);
    } finally {
      await browser.close();
      await service.stop(15_000).catch(() => service.kill());
    }
  });
});
