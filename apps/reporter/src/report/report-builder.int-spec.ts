import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reporterSectionSchema } from '@tideline/config';
import { HOST_METRIC_NAMES, MEASUREMENTS, escapeTagValue, seriesKey } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { PNG } from 'pngjs';
import { stackFromEnv, uniqueDatabase } from '@tideline/testing';
import { StatsTimeToLimit } from '../analysis/stats-time-to-limit';
import { ReportQueryStore } from '../query/report-query.store';
import { ReportBuilder } from './report-builder.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 08:00 UTC: the period starts at the report's send time, not at midnight. */
const SINCE = Date.parse('2026-11-16T08:00:00Z');
const UNTIL = SINCE + 7 * DAY;

function seriesTags(host: string, metric: string): { series: string; tags: string } {
  const series = seriesKey({ metric, host, tags: {} });
  return {
    series,
    tags: `series=${escapeTagValue(series)},host=${escapeTagValue(host)},metric=${escapeTagValue(metric)}`,
  };
}

function pointLines(
  host: string,
  from: number,
  until: number,
  step = HOUR,
  metric: string = HOST_METRIC_NAMES.cpuUsage,
) {
  const { tags } = seriesTags(host, metric);
  const lines: string[] = [];
  for (let t = from; t < until; t += step) {
    const value = 20 + 5 * Math.sin(t / HOUR);
    lines.push(`${MEASUREMENTS.points},${tags} value=${value} ${t}`);
    lines.push(`${MEASUREMENTS.baseline},${tags} expected=20,lower=14,upper=26 ${t}`);
    lines.push(`${MEASUREMENTS.anomalyScores},${tags},detector=none score=0.1,value=${value} ${t}`);
  }
  return lines;
}

/** A replayed file: 3 hours of 5-minute points on Wednesday, with one alert (firing, resolved) in them. */
const REPLAYED = { host: 'nab-ec2', metric: 'nab.machine_temperature', from: SINCE + 2 * DAY + 2 * HOUR };
function replayedLines(): string[] {
  const { tags } = seriesTags(REPLAYED.host, REPLAYED.metric);
  const firing = REPLAYED.from + HOUR;
  const alert = (state: string, at: number) =>
    `${MEASUREMENTS.alerts},${tags},state=${state},severity=critical,detector=spike ` +
    `value=90,expected=20,lower=14,upper=26,score=0.8,id="0123456789abcdef0123456789abcdef",started_at=${firing}i ${at}`;
  return [
    ...pointLines(REPLAYED.host, REPLAYED.from, REPLAYED.from + 3 * HOUR, 5 * 60_000, REPLAYED.metric),
    `${MEASUREMENTS.anomalyScores},${tags},detector=spike score=0.8,value=90 ${firing}`,
    alert('firing', firing),
    alert('resolved', firing + 30 * 60_000),
  ];
}

/** How many pixel columns of the chart hold the value line (dark grey, the renderer's COLORS.value). */
function valueColumns(png: Buffer): number {
  const image = PNG.sync.read(png);
  let columns = 0;
  for (let x = 0; x < image.width; x++) {
    for (let y = 20; y < image.height - 20; y++) {
      const i = (y * image.width + x) * 4;
      if (image.data[i]! < 60 && image.data[i + 1]! < 60 && image.data[i + 2]! < 60) {
        columns++;
        break;
      }
    }
  }
  return columns;
}

describe('report builder against InfluxDB', () => {
  const stack = stackFromEnv();
  const database = uniqueDatabase('report_builder');
  const influx = new InfluxClient({ url: stack.influxUrl, database, timeoutMs: 60_000 });

  before(async () => {
    await influx.ensureDatabase(database);
    await influx.writeLines([
      ...pointLines('old-1', SINCE - 7 * DAY, UNTIL),
      // Started Thursday 03:00 UTC: inside the 24-hour bucket that begins Wednesday 08:00.
      ...pointLines('new-thu', Date.parse('2026-11-19T03:00:00Z'), UNTIL),
      // Started Monday 20:00, the period's first day: nothing to add to its name.
      ...pointLines('new-mon', Date.parse('2026-11-16T20:00:00Z'), UNTIL),
      ...replayedLines(),
    ]);
  });

  after(async () => {
    await influx.dropDatabase(database).catch(() => undefined);
  });

  const builder = (): ReportBuilder =>
    new ReportBuilder(
      new ReportQueryStore(influx, database),
      reporterSectionSchema.parse({}).analysis,
      [],
      new StatsTimeToLimit(),
    );

  it('charts a series replayed into 3 hours of the week where its data is, and says so, not as a few points on the week', async () => {
    const { report, charts } = await builder().build({
      id: 'r',
      trigger: 'on-demand',
      since: SINCE,
      until: UNTIL,
      timezone: 'UTC',
    });
    const series = seriesTags(REPLAYED.host, REPLAYED.metric).series;
    const ref = report.charts.find((c) => c.series === series);
    assert.ok(ref, `the incident's series is charted: ${JSON.stringify(report.charts)}`);
    assert.match(ref.reason, /data only wed 2026-11-18 10:00 - wed 2026-11-18 13:00: zoomed in/i);
    // The value line runs across most of the plot (it held ~12 of its 660 columns on the week's axis).
    const columns = valueColumns(charts.get(ref.file)!);
    assert.ok(columns > 400, `the value line spans ${columns} pixel columns`);
    // A series with data all week is drawn on the week's axis, without a note.
    assert.ok(report.charts.every((c) => c.series === series || !/zoomed/.test(c.reason)));
  });

  it('says a host whose collector started on Thursday 03:00 is new "from Thu", the day of its first point', async () => {
    const settings = reporterSectionSchema.parse({});
    const builder = new ReportBuilder(
      new ReportQueryStore(influx, database),
      settings.analysis,
      [],
      new StatsTimeToLimit(),
    );
    for (const timezone of ['UTC', 'Europe/Berlin', 'America/Los_Angeles']) {
      const { report } = await builder.build({ id: 'r', trigger: 'on-demand', since: SINCE, until: UNTIL, timezone });
      const note = report.notes.find((n) => n.kind === 'new-series' && n.message.includes('new-thu'));
      assert.ok(note, `a new-host note in ${timezone}: ${JSON.stringify(report.notes)}`);
      // 03:00 UTC is Thursday in Berlin too, and Wednesday 19:00 in Los Angeles.
      const day = timezone === 'America/Los_Angeles' ? 'Wed 2026-11-18' : 'Thu 2026-11-19';
      assert.match(note.message, new RegExp(`new-thu \\(from ${day}\\)`), `${timezone}: ${note.message}`);
      assert.match(note.message, /new-mon(,|\.)/, `${timezone}: a host new from the first day has no date`);
    }
  });
});
