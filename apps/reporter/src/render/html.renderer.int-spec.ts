import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { REPORT_SCHEMA, type Incident, type WeeklyReport } from '../report/report.schema';
import { CHROMIUM, CHROMIUM_ARGS } from '../testing/test-servers';
import { renderChart } from './chart.renderer';
import { renderHtml } from './html.renderer';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SINCE = Date.parse('2026-11-16T08:00:00Z');
const UNTIL = SINCE + 7 * DAY;
/** Names as long as real ones get: a cloud host name, a Kubernetes metric, a series key with its tags. */
const HOST = 'ip-10-123-234-45.eu-central-1.compute.internal';
const METRIC = 'kubernetes.pod.container.filesystem.writes_per_second_total_aggregated_over_all_devices';
const SERIES = `${METRIC}|container=payment-gateway-canary-7f9c8d6b5-x2x9q|host=${HOST}|namespace=production-eu`;

function incident(k: number): Incident {
  return {
    id: `${k}f3a9c2e7d1b04c5a8e6f9d2c1b3a4e5`.slice(0, 32),
    series: SERIES,
    host: HOST,
    metric: METRIC,
    detector: 'level_shift',
    start: SINCE + k * DAY,
    end: SINCE + k * DAY + 7 * DAY - 20 * 60_000,
    durationMs: 7 * DAY - 20 * 60_000,
    open: false,
    peak: { series: SERIES, time: SINCE + k * DAY + HOUR, score: 0.8123, value: 123456.789 },
    severity: 'critical',
    anomalousPoints: 1234,
  };
}

/** A report whose every table and list holds the longest names: what overflowed the e-mail before. */
function longNamesReport(): WeeklyReport {
  const incidents = [1, 2, 3].map(incident);
  return {
    schema: REPORT_SCHEMA,
    id: 'weekly-20261123T0800Z',
    title: 'Tideline weekly report: Mon 2026-11-16 09:00 – Mon 2026-11-23 09:00 (Europe/Berlin)',
    trigger: 'schedule',
    period: { since: SINCE, until: UNTIL, timezone: 'Europe/Berlin' },
    previous: { since: SINCE - 7 * DAY, until: SINCE, timezone: 'Europe/Berlin' },
    generatedAt: UNTIL,
    summary: {
      hosts: 1,
      series: 1,
      seriesWithData: 1,
      significantChanges: 1,
      incidents: incidents.length,
      alertsFired: 3,
      projections: 0,
      recommendations: 1,
    },
    comparisons: [
      {
        series: SERIES,
        host: HOST,
        metric: METRIC,
        thisWeek: { mean: 123456.7, p95: 234567.8, max: 345678.9, daysWithData: 7 },
        lastWeek: { mean: 23456.7, p95: 34567.8, max: 45678.9, daysWithData: 7 },
        baselineMean: 22222.2,
        changeVsLastWeek: 4.26,
        changeVsBaseline: 4.55,
        significance: { test: 'welch-t-daily-means', t: 12.3, df: 11.2, pValue: 0.00001, significant: true },
      },
    ],
    incidents,
    hygiene: [{ series: SERIES, host: HOST, metric: METRIC, firing: 3, resolved: 3, flaps: 1, brief: 0 }],
    shifts: [
      { series: SERIES, host: HOST, metric: METRIC, at: SINCE + 3 * DAY, before: 1, after: 2, change: 1, strength: 5 },
    ],
    projections: [],
    recommendations: [
      {
        kind: 'lower-sensitivity',
        series: SERIES,
        host: HOST,
        metric: METRIC,
        title: `Lower the alert sensitivity of ${METRIC} on ${HOST}`,
        evidence: `3 alerts this week on ${SERIES}`,
        priority: 1,
      },
    ],
    notes: [{ kind: 'gaps', message: `1 series have whole days without data: ${SERIES}`, series: [SERIES, SERIES] }],
    charts: [{ cid: 'chart-1@tideline', file: 'chart-1.png', series: SERIES, title: SERIES, reason: 'incident' }],
    timings: {},
  };
}

describe('the HTML e-mail in headless Chromium', () => {
  let browser: Browser;
  let html: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const times = Float64Array.from({ length: 336 }, (_, i) => SINCE + i * 30 * 60_000);
    const value = times.map((t) => 100 + Math.sin(t / HOUR));
    const png = renderChart({
      title: SERIES,
      times,
      value,
      expected: value,
      lower: value.map((v) => v - 2),
      upper: value.map((v) => v + 2),
      anomalies: [],
      timeZone: 'Europe/Berlin',
      from: SINCE,
      until: UNTIL,
    });
    html = renderHtml(longNamesReport(), { imageSrc: () => `data:image/png;base64,${png.toString('base64')}` });
  });

  after(async () => {
    await browser?.close();
  });

  it('stays within 680 px however long the series, host and metric names and ids are, with nothing cut off', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.setContent(html, { waitUntil: 'load' });
    const layout = await page.evaluate<{ wrap: number; widest: number; overflowing: string[] }>(`(() => {
      const wrap = document.querySelector('body > div').getBoundingClientRect();
      const overflowing = [];
      let widest = 0;
      for (const el of document.querySelectorAll('body > div *')) {
        const box = el.getBoundingClientRect();
        widest = Math.max(widest, box.right - wrap.left);
        if (box.right > wrap.right + 0.5 || el.scrollWidth > el.clientWidth + 1) overflowing.push(el.scrollWidth + ' > ' + el.clientWidth + ' px: ' + el.outerHTML.slice(0, 120));
      }
      return { wrap: wrap.width, widest, overflowing };
    })()`);
    assert.ok(layout.wrap <= 680, `the e-mail is ${layout.wrap} px wide`);
    assert.ok(layout.widest <= 680, `something reaches ${layout.widest} px`);
    assert.deepEqual(layout.overflowing, []);
    // The full names and ids are still there, wrapped rather than shortened.
    const text = await page.evaluate<string>('document.body.innerText.replace(/\\s+/g, "")');
    assert.ok(text.includes(SERIES.replace(/\s+/g, '')), 'the series name is shown whole');
    assert.ok(text.includes(incident(2).id), 'the alert id is shown whole');
    await page.close();
  });

  it('does not scroll sideways on a 600 px wide mail pane', async () => {
    const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
    await page.setContent(html, { waitUntil: 'load' });
    const scroll = await page.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(scroll <= 600, `the page scrolls to ${scroll} px`);
    await page.close();
  });
});
