// The live dashboard and the shipped Grafana/Chronograf dashboards against what the product really writes: the
// baseline and anomaly services and the reporter run as processes, `tideline replay` sends a spiky series, and
// headless Chromium opens the pages. No fixture: every row in InfluxDB comes from the services.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { seriesKey } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import {
  freePort,
  startService,
  type ServiceProcess,
  expectEventually,
  randomSuffix,
  stackFromEnv,
} from '@tideline/testing';
import { CHROMIUM, CHROMIUM_ARGS } from '../testing/test-servers';
import { chronografQueries, grafanaQueries, type DashboardQuery } from './dashboard-queries';

/** The repository root, from this file's compiled location (apps/reporter/dist/dashboard). */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const STEP_MS = 5 * 60_000;
const DAY = 86_400_000;

const stack = stackFromEnv();
const suffix = `dashboard-${randomSuffix()}`;
const names = {
  metrics: `test.${suffix}.metrics`,
  baselines: `test.${suffix}.baselines`,
  modelCheckpoints: `test.${suffix}.model-checkpoints`,
  alertState: `test.${suffix}.alert-state`,
  alerts: `test.${suffix}.alerts`,
  database: `test_${suffix.replace(/[^a-zA-Z0-9_]/g, '_')}`,
};
/** The services' settings for this test's own topics, groups and database (as apps/anomaly's pipeline harness). */
const env: Record<string, string> = {
  KAFKA_BROKERS: stack.kafkaBrokers.join(','),
  INFLUX_URL: stack.influxUrl,
  INFLUX_DATABASE: names.database,
  TIDELINE__ANOMALY__TOPICS__BASELINES: names.baselines,
  TIDELINE__ANOMALY__TOPICS__ALERT_STATE: names.alertState,
  TIDELINE__ANOMALY__TOPICS__ALERTS: names.alerts,
  TIDELINE__ANOMALY__CONSUMER_GROUP: `test-${suffix}-anomaly`,
  TIDELINE__BASELINE__TOPICS__METRICS: names.metrics,
  TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: names.modelCheckpoints,
  TIDELINE__BASELINE__TOPICS__BASELINES: names.baselines,
  TIDELINE__BASELINE__CONSUMER_GROUP: `test-${suffix}-baseline`,
  LOG_LEVEL: 'warn',
};

async function startApp(
  app: 'baseline' | 'anomaly' | 'reporter',
  extra: Record<string, string> = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const service = startService({
    main: join(REPO_ROOT, 'apps', app, 'dist', 'main.js'),
    port,
    env: { ...env, ...extra, HTTP_PORT: String(port) },
  });
  try {
    await expectEventually(
      async () => {
        assert.equal(service.child.exitCode, null, `${app} exited; stderr:\n${service.stderr()}`);
        assert.equal((await fetch(`${service.url}/health`)).status, 200);
      },
      { timeoutMs: 60_000, intervalMs: 250, message: `${app} did not become ready` },
    );
  } catch (error) {
    service.kill();
    throw error;
  }
  return service;
}

/** `tideline replay` as a process (host `replay` unless given). */
async function replay(file: string, host = 'replay'): Promise<{ code: number | null; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['NODE_TEST_CONTEXT'];
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'apps/cli/bin/tideline.js'),
      'replay',
      file,
      '--topic',
      names.metrics,
      '--speed',
      'max',
      '--keep-timestamps',
      '--host',
      host,
    ],
    { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, stderr };
}

/**
 * A NAB-layout CSV (`timestamp,value`) of a level series with a small deterministic wiggle and 5-point spikes to 90
 * at `spikes` (point indexes), 5-minute steps from `startMs`.
 */
function spikyCsv(name: string, startMs: number, points: number, spikes: readonly number[]): string {
  const lines = Array.from({ length: points }, (_, i) => {
    const spiking = spikes.some((s) => i >= s && i < s + 5);
    const value = spiking ? 90 : 50 + (0.5 * (((i * 7) % 5) - 2)) / 2;
    return `${new Date(startMs + i * STEP_MS).toISOString().replace('T', ' ').slice(0, 19)},${value}`;
  });
  const file = join(mkdtempSync(join(tmpdir(), 'tideline-dashboard-')), `${name}.csv`);
  writeFileSync(file, `timestamp,value\n${lines.join('\n')}\n`);
  return file;
}

/** A disk filling at 10 points a day from 50 (with a small deterministic wiggle), 5-minute steps from `startMs`. */
function fillingCsv(startMs: number, points: number): string {
  const lines = Array.from({ length: points }, (_, i) => {
    const value = 50 + (i * STEP_MS * 10) / DAY + 0.2 * (((i * 7) % 5) - 2);
    return `${new Date(startMs + i * STEP_MS).toISOString().replace('T', ' ').slice(0, 19)},${value}`;
  });
  const file = join(mkdtempSync(join(tmpdir(), 'tideline-dashboard-')), `disk.used_percent.csv`);
  writeFileSync(file, `timestamp,value\n${lines.join('\n')}\n`);
  return file;
}

describe('dashboard against the services output after a replay', () => {
  const influx = new InfluxClient({ url: stack.influxUrl, database: names.database });
  // Three days back, so the points are inside the database's retention and the services' accepted age; the series
  // ends now.
  const startMs = Math.floor((Date.now() - 3 * DAY) / STEP_MS) * STEP_MS;
  const points = Math.floor((Date.now() - startMs) / STEP_MS);
  // `spiky_resolved` spikes 15 h ago and recovers (an incident); `spiky_firing` spikes in its last points (firing now).
  const resolved = seriesKey({ metric: 'spiky_resolved', host: 'replay', tags: {} });
  const firing = seriesKey({ metric: 'spiky_firing', host: 'replay', tags: {} });
  // a disk filling up on another host: the baseline service keeps its trend summary (a default limit), the series
  // page projects it
  const disk = seriesKey({ metric: 'disk.used_percent', host: 'db-replay', tags: {} });
  const services: ServiceProcess[] = [];
  let reporter: ServiceProcess;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'tideline-dashboard-reporter-'));

  before(async () => {
    services.push(...(await Promise.all([startApp('baseline'), startApp('anomaly')])));
    for (const [name, spikes] of [
      ['spiky_resolved', [points - 180]],
      ['spiky_firing', [points - 5]],
    ] as const) {
      const run = await replay(spikyCsv(name, startMs, points, spikes));
      assert.equal(run.code, 0, run.stderr);
    }
    const filling = await replay(fillingCsv(startMs, points), 'db-replay');
    assert.equal(filling.code, 0, filling.stderr);
    // Both alerts stored by the anomaly service: one resolved, one still firing.
    await expectEventually(
      async () => {
        const rows = await influx.query<{ series: string; state: string }>(
          `SELECT "score", "series", "state" FROM "alerts"`,
        );
        assert.ok(
          rows.some((r) => r.series === resolved && r.state === 'resolved'),
          `no resolved alert: ${JSON.stringify(rows)}`,
        );
        assert.ok(
          rows.some((r) => r.series === firing && r.state === 'firing'),
          `no firing alert: ${JSON.stringify(rows)}`,
        );
      },
      { timeoutMs: 180_000, intervalMs: 1000, message: 'the anomaly service stored no alert for the replayed spikes' },
    );
    reporter = await startApp('reporter', {
      TIDELINE__REPORTER__DATA_DIR: dataDir,
      TIDELINE__REPORTER__SCHEDULE__ENABLED: 'false',
    });
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await Promise.all([reporter, ...services].filter(Boolean).map((s) => s.stop(10_000).catch(() => s.kill())));
    await influx.dropDatabase(names.database).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Opens `path` in Chromium, collecting console errors, page errors and failed responses. */
  async function open(path: string, viewport = { width: 1000, height: 900 }) {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    const response = await page.goto(`${reporter.url}${path}`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, `GET ${path}`);
    return { page, errors };
  }

  it('shows the firing alert, the resolved incident and the replay host at /, without console errors', async () => {
    const { page, errors } = await open('/');
    const firingRows = await page.locator('#firing tr.alert').allTextContents();
    assert.ok(
      firingRows.some((t) => t.includes(firing)),
      `firing now: ${JSON.stringify(firingRows)}`,
    );
    assert.ok(!firingRows.some((t) => t.includes(resolved)), 'a resolved alert is not firing');
    const incidents = await page.locator('#incidents tr.alert').allTextContents();
    assert.ok(
      incidents.some((t) => t.includes(resolved)),
      `incidents: ${JSON.stringify(incidents)}`,
    );
    assert.match(await page.locator('#hosts').innerText(), /replay\s+2\s+alert firing/);
    assert.equal((await page.locator('a[href="/reports"]').count()) > 0, true, 'links to the weekly reports');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('finds a series by search and opens its page with the chart, its band and the alert span', async () => {
    const { page, errors } = await open('/?q=spiky_res');
    const matches = page.locator('#matches a');
    assert.deepEqual(await matches.allTextContents(), [resolved]);
    await matches.first().click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('h2').first().innerText(), resolved);
    const box = await page.locator('svg.chart').boundingBox();
    assert.ok(box && box.width > 500 && box.height > 100, `chart laid out at ${JSON.stringify(box)}`);
    assert.ok((await page.locator('svg.chart polygon.band').count()) >= 1, 'the band is drawn');
    assert.ok((await page.locator('svg.chart polyline.value').count()) >= 1, 'the values are drawn');
    assert.equal(await page.locator('svg.chart rect.alert-span').count(), 1, 'the alert is marked');
    assert.match(await page.locator('#series-alerts').innerText(), /resolved|min/);
    // the resolved incident over 24 h: value, band, the alert's span
    const shot = process.env['TIDELINE_DASHBOARD_SCREENSHOT'];
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    await page.goto(`${reporter.url}/series?key=${encodeURIComponent(firing)}&range=7d`, { waitUntil: 'load' });
    assert.ok((await page.locator('svg.chart polygon.band').count()) >= 1);
    assert.equal(await page.locator('svg.chart rect.alert-span').count(), 1);
    assert.match(await page.locator('#series-alerts').innerText(), /firing for/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("shows a filling disk's time until full on its page, projected from the trend buckets the baseline service kept", async () => {
    // the baseline service closed every half hour of the disk but the last (3 days: about 144) into trend_buckets
    await expectEventually(
      async () => {
        const rows = await influx.query<{ count: number }>(
          `SELECT count("mean") AS "count" FROM "trend_buckets" WHERE "series" = '${disk}'`,
        );
        assert.ok((rows[0]?.count ?? 0) >= 140, `trend rows: ${JSON.stringify(rows)}`);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const { page, errors } = await open(`/series?key=${encodeURIComponent(disk)}`);
    const text = await page.locator('#projection').innerText();
    // 80 now, 10 a day: full in about 2 days
    const m =
      /^db-replay disk\.used_percent: disk full \(100\) in (.+) \(80 % range p10–p90 (.+) – (.+)\); now ([\d.]+), ([\d.]+)\/day$/.exec(
        text,
      );
    assert.ok(m, text);
    assert.ok(Math.abs(Number(m[4]) - 80) < 1, `now ${m[4]}`);
    assert.ok(Math.abs(Number(m[5]) - 10) < 2, `${m[5]}/day`);
    assert.match(m[1]!, /^([2-4]\d h|[23] d)/, `p50 ${m[1]}`);
    // a series without a limit has no projection
    await page.goto(`${reporter.url}/series?key=${encodeURIComponent(resolved)}`, { waitUntil: 'load' });
    assert.equal(await page.locator('#projection').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('answers an unknown series with 404 and escapes it', async () => {
    const response = await fetch(`${reporter.url}/series?key=${encodeURIComponent('<b>nope</b>')}`);
    assert.equal(response.status, 404);
    const body = await response.text();
    assert.ok(body.includes('&lt;b&gt;nope&lt;/b&gt;') && !body.includes('<b>nope'), body);
  });

  it('runs every InfluxQL query of the Grafana and Chronograf dashboards, each returning at least one series', async () => {
    const bindings = { series: firing, host: 'replay', lookBack: '7d', interval: '1h', database: names.database };
    const read = (path: string): unknown =>
      JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/dashboards', path), 'utf8'));
    const queries: DashboardQuery[] = [
      ...grafanaQueries('grafana/tideline.json', read('grafana/tideline.json'), bindings),
      ...chronografQueries('chronograf/tideline.dashboard', read('chronograf/tideline.dashboard'), bindings),
    ];
    assert.ok(queries.length >= 10, `${queries.length} queries`);
    const empty: string[] = [];
    for (const q of queries) {
      assert.doesNotMatch(q.influxql, /\$\w|:\w+:/, `${q.source}: a variable was left: ${q.influxql}`);
      const [result] = await influx.queryRaw(q.influxql);
      if ((result?.series.length ?? 0) === 0) empty.push(`${q.source}: ${q.influxql}`);
    }
    assert.deepEqual(empty, [], 'queries without a series');
  });
});
