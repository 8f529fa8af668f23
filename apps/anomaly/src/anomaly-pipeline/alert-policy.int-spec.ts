// Per-series alert policy through both services (one `alerting` config file, read by the baseline service for the band
// and by the anomaly service for the decisions), fed by the product's own input (`tideline replay`), read back where a
// user reads it: the alerts topic and InfluxDB.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seriesKey, type AlertEvent } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import { type ServiceProcess, expectEventually, stackFromEnv } from '@tideline/testing';
import {
  REPO_ROOT,
  collectTopic,
  metricValue,
  pipelineEnv,
  pipelineNames,
  runCli,
  spikeSeries,
  startPipelineService,
  writeNabCsv,
  type TopicCollector,
} from '../testing/pipeline-harness';

const stack = stackFromEnv();

const CONFIG = `
alerting:
  defaults: { sensitivity: medium }
  rules:
    - { name: low-band, match: { metric: 'band_low' }, sensitivity: low }
    - { name: high-band, match: { metric: 'band_high' }, sensitivity: high }
    - { name: quiet, match: { metric: 'twin_muted' }, mute: true }
    - { name: informational, match: { metric: 'twin_info' }, severity: info }
`;

/** Five-minute steps starting six days ago: recent enough for the database's retention, the same for every copy. */
const START_MS = Math.floor((Date.now() - 6 * 24 * 3600_000) / 300_000) * 300_000;

/** The same spiky series (level 50, a 5-point spike to 90) replayed under `names`, one metric each. */
function spikyCsvs(names: readonly string[]): string[] {
  const points = spikeSeries({
    points: 1500,
    spikeAt: 1200,
    spikeLength: 5,
    spikeValue: 90,
    startMs: START_MS,
  });
  return names.map((name) => writeNabCsv(name, points));
}

describe('alert policy per series, end to end (alerting rules read by both services)', () => {
  const names = pipelineNames('policy');
  const configDir = mkdtempSync(join(tmpdir(), 'tideline-policy-'));
  const configPath = join(configDir, 'tideline.yaml');
  writeFileSync(configPath, CONFIG);
  const env = { ...pipelineEnv(names, stack), TIDELINE_CONFIG: configPath };
  const influx = new InfluxClient({ url: stack.influxUrl, database: names.database });
  let baseline: ServiceProcess;
  let anomaly: ServiceProcess;
  let alerts: TopicCollector;

  const alertsOf = (metric: string): AlertEvent[] =>
    alerts.messages
      .map((m) => JSON.parse(m.value!.toString('utf8')) as AlertEvent)
      .filter((alert) => alert.metric === metric);

  async function replay(files: readonly string[], expectedEvents: number): Promise<void> {
    const before = await metricValue(anomaly.url, 'tideline_anomaly_points_decided_total');
    for (const file of files) {
      // the same timestamps for every copy: the same points, so only the policy differs
      const run = await runCli(['replay', file, '--topic', names.metrics, '--speed', 'max', '--keep-timestamps'], env);
      assert.equal(run.code, 0, run.stderr);
    }
    await expectEventually(
      async () =>
        assert.equal(await metricValue(anomaly.url, 'tideline_anomaly_points_decided_total'), before + expectedEvents),
      { timeoutMs: 120_000, intervalMs: 500, message: 'the services did not decide on every replayed point' },
    );
  }

  before(async () => {
    [baseline, anomaly] = await Promise.all([
      startPipelineService('baseline', env),
      startPipelineService('anomaly', env),
    ]);
    alerts = await collectTopic(createKafka({ brokers: stack.kafkaBrokers, clientId: 'test-policy' }), names.alerts);
  });

  after(async () => {
    await alerts?.stop();
    await Promise.all([baseline?.stop(10_000), anomaly?.stop(10_000)]);
    await influx.dropDatabase(names.database).catch(() => undefined);
  });

  it('stores for every alert the band it carries, at low, medium and high sensitivity', async () => {
    const metrics = ['band_low', 'band_medium', 'band_high'];
    await replay(spikyCsvs(metrics), 3 * 1500);
    const width: Record<string, number> = {};
    for (const metric of metrics) {
      const found = await expectEventually(() => {
        const list = alertsOf(metric);
        assert.ok(
          list.some((a) => a.state === 'firing'),
          `${metric}: no firing alert`,
        );
        return list;
      });
      const series = seriesKey({ metric, host: 'replay', tags: {} });
      for (const alert of found) {
        // the baseline service writes the band at its writer's pace: within a second or so of the alert
        await expectEventually(async () => {
          const stored = await influx.query<{ expected: number; lower: number; upper: number }>(
            `SELECT "expected", "lower", "upper" FROM "baseline" WHERE "series" = '${series}' AND time = ${alert.updatedAt}ms`,
          );
          assert.deepEqual(
            stored.map((row) => [row.expected, row.lower, row.upper]),
            [[alert.expected, alert.lower, alert.upper]],
            `${metric} ${alert.state}: stored band = alert band`,
          );
        });
      }
      width[metric] = found[0]!.upper - found[0]!.lower;
    }
    // the rules reached the model stage: the band is drawn at each series' sensitivity
    assert.ok(
      width['band_low']! > width['band_medium']! && width['band_medium']! > width['band_high']!,
      JSON.stringify(width),
    );
  });

  it('changes alerting for the series a rule matches only (muted, fixed severity), and stores every transition', async () => {
    const metrics = ['twin_plain', 'twin_muted', 'twin_info'];
    await replay(spikyCsvs(metrics), 3 * 1500);
    const plain = await expectEventually(() => {
      const list = alertsOf('twin_plain');
      assert.deepEqual(
        list.map((a) => a.state),
        ['firing', 'resolved'],
      );
      return list;
    });
    const info = await expectEventually(() => {
      const list = alertsOf('twin_info');
      assert.equal(list.length, 2);
      return list;
    });
    assert.deepEqual(
      info.map((a) => a.severity),
      ['info', 'info'],
    );
    assert.notEqual(plain[0]!.severity, 'info');
    assert.equal(alertsOf('twin_muted').length, 0, 'a muted series publishes nothing');
    // the same points, the same verdicts: only the policy differs
    assert.deepEqual(
      info.map((a) => [a.state, a.value, a.lower, a.upper, a.score]),
      plain.map((a) => [a.state, a.value, a.lower, a.upper, a.score]),
    );
    await expectEventually(async () => {
      const rows = await influx.query<{ id: string; metric: string; severity: string }>(
        `SELECT "id", "metric", "severity" FROM "alerts" WHERE "metric" =~ /^twin_/`,
      );
      assert.deepEqual(
        rows.map((row) => `${row.metric}:${row.severity}:${row.id}`).sort(),
        [...plain, ...info].map((a) => `${a.metric}:${a.severity}:${a.id}`).sort(),
      );
    });
  });

  it('raises a critical alert for the known machine-temperature failure (NAB realKnownCause), a warning for a short small blip', async () => {
    const file = join(REPO_ROOT, 'datasets', 'nab', 'data', 'realKnownCause', 'machine_temperature_system_failure.csv');
    const rows = readFileSync(file, 'utf8').trim().split('\n').length - 1;
    const decidedBefore = await metricValue(anomaly.url, 'tideline_anomaly_points_decided_total');
    const run = await runCli(
      ['replay', file, '--topic', names.metrics, '--speed', 'max', '--series', 'machine_temperature'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const critical = await expectEventually(
      () => {
        const found = alertsOf('machine_temperature').filter((a) => a.state === 'firing' && a.severity === 'critical');
        assert.ok(
          found.length > 0,
          `firing alerts: ${alertsOf('machine_temperature')
            .filter((a) => a.state === 'firing')
            .map((a) => `${a.severity} ${a.score.toFixed(3)}`)
            .join(', ')}`,
        );
        return found;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    assert.ok(critical.length > 0);

    // Severity follows magnitude and duration (defaults: 2 band half-widths beyond the band, 30 minutes firing).
    // Wait until the services have decided on (nearly) every replayed point and the count has settled.
    let last = -1;
    await expectEventually(
      async () => {
        const decided = (await metricValue(anomaly.url, 'tideline_anomaly_points_decided_total')) - decidedBefore;
        const settled = decided === last;
        last = decided;
        assert.ok(settled && decided >= rows * 0.99, `decided ${decided} of ${rows} replayed points`);
      },
      { timeoutMs: 180_000, intervalMs: 2000, message: 'the services did not decide on the replayed points' },
    );
    const byIncident = new Map<string, AlertEvent[]>();
    for (const alert of alertsOf('machine_temperature'))
      byIncident.set(alert.id, [...(byIncident.get(alert.id) ?? []), alert]);
    const beyond = (a: AlertEvent) =>
      Math.max(a.value - a.upper, a.lower - a.value, 0) / Math.max((a.upper - a.lower) / 2, Number.MIN_VALUE);
    let blips = 0;
    let escalations = 0;
    for (const [id, transitions] of byIncident) {
      const states = transitions.map((a) => `${a.state}/${a.severity}`);
      const [first, ...rest] = transitions;
      assert.equal(first!.state, 'firing', `${id}: ${states.join(', ')}`);
      const escalated = rest.filter((a) => a.state === 'firing');
      // an escalation is published once, as firing with the same id, from warning to critical
      assert.ok(escalated.length <= 1, `${id}: ${states.join(', ')}`);
      if (escalated.length === 1) {
        escalations++;
        assert.deepEqual([first!.severity, escalated[0]!.severity], ['warning', 'critical'], states.join(', '));
      }
      const resolved = transitions.find((a) => a.state === 'resolved');
      if (resolved !== undefined) assert.equal(resolved.severity, transitions.at(-2)!.severity, states.join(', '));
      // fired and resolved on the next point (five-minute steps): nothing between them could have escalated it
      const short = resolved !== undefined && resolved.resolvedAt! - first!.startedAt <= 5 * 60_000;
      if (short && first!.score < 0.6 && beyond(first!) < 1) {
        blips++;
        assert.deepEqual(states, ['firing/warning', 'resolved/warning'], `${id}: a short small blip is a warning`);
      }
    }
    // The incident of the replay's most surprising point becomes critical: at once when its score reaches the critical
    // score or its value lies far beyond the band, else by escalation while it lasts. (Its score sits below the
    // critical score since the detector's burst memory: the restart after the failure looks like the restarts after the
    // earlier shutdowns.)
    const firing = alertsOf('machine_temperature').filter((a) => a.state === 'firing');
    const worst = firing.reduce((a, b) => (b.score > a.score ? b : a));
    const worstIncident = byIncident.get(worst.id)!.map((a) => `${a.state}/${a.severity}`);
    assert.ok(worstIncident.includes('firing/critical'), `${worst.id} (${worst.score}): ${worstIncident.join(', ')}`);
    assert.ok(blips > 0, 'the replay has short small blips');
    assert.ok(escalations > 0, 'a sustained warning escalates');
  });
});
