import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reporterSectionSchema } from '@tideline/config';
import { HOST_METRIC_NAMES, MEASUREMENTS, escapeTagValue, seriesKey } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { stackFromEnv, uniqueDatabase } from '@tideline/testing';
import { StatsTimeToLimit } from '../analysis/stats-time-to-limit';
import { ReportQueryStore } from '../query/report-query.store';
import { ReportBuilder } from './report-builder.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 08:00 UTC: the period starts at the report's send time, not at midnight. */
const SINCE = Date.parse('2026-11-16T08:00:00Z');
const UNTIL = SINCE + 7 * DAY;

function pointLines(host: string, from: number, until: number): string[] {
  const metric = HOST_METRIC_NAMES.cpuUsage;
  const series = seriesKey({ metric, host, tags: {} });
  const tags = `series=${escapeTagValue(series)},host=${escapeTagValue(host)},metric=${escapeTagValue(metric)}`;
  const lines: string[] = [];
  for (let t = from; t < until; t += HOUR) lines.push(`${MEASUREMENTS.points},${tags} value=${20 + (t % 7)} ${t}`);
  return lines;
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
    ]);
  });

  after(async () => {
    await influx.dropDatabase(database).catch(() => undefined);
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
