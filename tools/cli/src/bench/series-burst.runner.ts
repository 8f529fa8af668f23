import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { METRIC_EVENT_SCHEMA, seriesKey } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import { freePort, PrivateInfluxd, sumMetric } from '@tideline/testing';
import type { Kafka } from 'kafkajs';
import { INFLUX_SERIES_LIMITS } from '../stack/influx-config';
import { processUsage } from './process-usage';

export interface SeriesBurstOptions {
  readonly brokers: readonly string[];
  /** New series per burst, in order (e.g. 200,000 then 1,000,000). */
  readonly bursts: readonly number[];
  /** `limits.idleEvictionMs` of the services, so that settling is seen within the run. */
  readonly idleSeconds: number;
  readonly repoRoot: string;
  readonly log: (line: string) => void;
}

type App = 'baseline' | 'anomaly';

export interface BurstFigures {
  readonly newSeries: number;
  /** Time to produce the burst, and until both services had handled all of it. */
  readonly sendSeconds: number;
  readonly handledSeconds: number;
  /** The baseline service's account of the burst's events. */
  readonly learned: number;
  readonly refusedCardinality: number;
  /** Sent − learned − dead-lettered: events no counter accounts for (goal 0). */
  readonly lostSilently: number;
  readonly peakRssMb: Readonly<Record<App, number>>;
  /** Series in memory at the peak of the burst. */
  readonly activeSeries: Readonly<Record<App, number>>;
  /** (peak RSS − RSS before the first burst) / active series. */
  readonly bytesPerActiveSeries: Readonly<Record<App, number>>;
  /** A known series' 200 points sent after the burst: until all are stored in InfluxDB with their band. */
  readonly normalSeriesStoredAndScoredMs: number;
  /** After `idleSeconds` without the burst's series: RSS and series in memory. */
  readonly settledRssMb: Readonly<Record<App, number>>;
  readonly settledSeries: Readonly<Record<App, number>>;
}

export interface SeriesBurstResult {
  readonly idleRssMb: Readonly<Record<App, number>>;
  readonly bursts: readonly BurstFigures[];
  /** InfluxDB's view at the end: points stored, and points it refused (dead-lettered, never silent). */
  readonly influx: {
    readonly storedPoints: number;
    readonly refusedPoints: number;
    readonly limits: typeof INFLUX_SERIES_LIMITS;
    /** Learned (all bursts and the normal series) − stored − refused points lines: goal 0. */
    readonly lostSilently: number;
  };
  /** SIGTERM to exit, and the exit code (0: the shutdown, snapshot included, finished within its budget). */
  readonly shutdown: Readonly<Record<App, { readonly ms: number; readonly code: number | null }>>;
}

const MINUTE = 60_000;
const APPS: readonly App[] = ['baseline', 'anomaly'];
const SEND_CHUNK = 5000;

/**
 * `tideline bench series-burst`: bursts of new series through the real baseline and anomaly services (as processes,
 * with the default limits, over Kafka and a private influxd with the stack's series limits), each followed by a
 * series the services already know; measures RSS (peak, and settled once the burst's series are idle), bytes per
 * series in memory, events no counter accounts for, and the time until the known series' points are stored and
 * scored. The services' limits come from the environment as usual (`TIDELINE__LIMITS__…`).
 */
export async function runSeriesBurst(options: SeriesBurstOptions): Promise<SeriesBurstResult> {
  const { log } = options;
  const id = randomBytes(4).toString('hex');
  const influxd = await startInfluxd();
  const database = `bench_${id}`;
  const topics = {
    metrics: `bench.${id}.metrics`,
    baselines: `bench.${id}.baselines`,
    alerts: `bench.${id}.alerts`,
    alertState: `bench.${id}.alert-state`,
    modelCheckpoints: `bench.${id}.model-checkpoints`,
    pointsDeadLetter: `bench.${id}.points.dlq`,
  };
  const env: Record<string, string> = {
    KAFKA_BROKERS: options.brokers.join(','),
    INFLUX_URL: influxd.url,
    INFLUX_DATABASE: database,
    LOG_LEVEL: 'warn',
    TIDELINE__BASELINE__TOPICS__METRICS: topics.metrics,
    TIDELINE__BASELINE__TOPICS__BASELINES: topics.baselines,
    TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: topics.modelCheckpoints,
    TIDELINE__BASELINE__TOPICS__POINTS_DEAD_LETTER: topics.pointsDeadLetter,
    TIDELINE__BASELINE__CONSUMER_GROUP: `bench-${id}-baseline`,
    TIDELINE__ANOMALY__TOPICS__BASELINES: topics.baselines,
    TIDELINE__ANOMALY__TOPICS__ALERTS: topics.alerts,
    TIDELINE__ANOMALY__TOPICS__ALERT_STATE: topics.alertState,
    TIDELINE__ANOMALY__CONSUMER_GROUP: `bench-${id}-anomaly`,
    TIDELINE__LIMITS__IDLE_EVICTION_MS: String(options.idleSeconds * 1000),
  };
  const kafka = createKafka({ brokers: [...options.brokers], clientId: 'tideline-bench-series-burst' });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const services: Partial<Record<App, Service>> = {};
  try {
    log(`starting the baseline and anomaly services (topics bench.${id}.*, influxd ${influxd.url})`);
    for (const app of APPS) services[app] = await startService(app, options.repoRoot, env);
    const svc = services as Record<App, Service>;
    await producer.connect();
    // the known series' points go forward a minute each from well in the past: room for 20,000 of them (settling
    // sends one every 250 ms) before they would reach the present
    const start = Date.now() - 20_000 * MINUTE;
    const normalKey = seriesKey({ metric: 'bench.normal', host: 'bench', tags: {} });
    let normalSent = 0;
    const sendNormal = async (count: number) => {
      const messages = Array.from({ length: count }, (_, i) => ({
        key: normalKey,
        value: JSON.stringify({
          schema: METRIC_EVENT_SCHEMA,
          metric: 'bench.normal',
          host: 'bench',
          value: 100 + (((normalSent + i) * 7) % 5),
          ts: start + (normalSent + i) * MINUTE,
        }),
      }));
      normalSent += count;
      await producer.send({ topic: topics.metrics, acks: 1, messages });
    };
    // the known series: seen before any burst
    await sendNormal(100);
    await waitFor(async () => (await metric(svc.anomaly, 'tideline_anomaly_points_decided_total')) >= 100, 60_000);
    await sleep(2000);
    const idleRss = rssOf(svc);
    log(`idle RSS: baseline ${mb(idleRss.baseline)} MB, anomaly ${mb(idleRss.anomaly)} MB`);

    const bursts: BurstFigures[] = [];
    let sentTotal = 100;
    for (const [k, size] of options.bursts.entries()) {
      const before = { learned: await metric(svc.baseline, 'tideline_baseline_events_learned_total') };
      const peak = { ...idleRss };
      const peakSeries = { baseline: 0, anomaly: 0 };
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const now = rssOf(svc);
          for (const app of APPS) peak[app] = Math.max(peak[app], now[app]);
          peakSeries.baseline = Math.max(peakSeries.baseline, await metric(svc.baseline, 'tideline_baseline_series'));
          peakSeries.anomaly = Math.max(peakSeries.anomaly, await metric(svc.anomaly, 'tideline_anomaly_series'));
          await sleep(200);
        }
      })();
      log(`burst ${k + 1}: ${size} new series`);
      const sendStarted = performance.now();
      const ts = Date.now() - 5 * MINUTE;
      for (let from = 0; from < size; from += SEND_CHUNK) {
        const messages = [];
        for (let i = from; i < Math.min(size, from + SEND_CHUNK); i++) {
          const tags = { request_id: `${k}-${i}` };
          const host = `host-${i % 1000}`;
          messages.push({
            key: seriesKey({ metric: 'http.requests', host, tags }),
            value: JSON.stringify({ schema: METRIC_EVENT_SCHEMA, metric: 'http.requests', host, tags, value: 1, ts }),
          });
        }
        await producer.send({ topic: topics.metrics, acks: 1, messages });
      }
      sentTotal += size;
      const sendSeconds = (performance.now() - sendStarted) / 1000;
      // handled: every event learned or dead-lettered by the baseline service, every learned one decided
      await waitFor(
        async () =>
          (await metric(svc.baseline, 'tideline_baseline_events_learned_total')) +
            (await metric(svc.baseline, 'tideline_baseline_records_dead_lettered_total')) >=
          sentTotal,
        600_000,
      );
      const learnedNow = await metric(svc.baseline, 'tideline_baseline_events_learned_total');
      await waitFor(
        async () => (await metric(svc.anomaly, 'tideline_anomaly_points_decided_total')) >= learnedNow,
        600_000,
      );
      const handledSeconds = (performance.now() - sendStarted) / 1000;
      const bandedBefore = (await normalStored(influxd.url, database, normalKey)).banded;
      const normalStarted = performance.now();
      const normalTarget = normalSent + 200;
      await sendNormal(200);
      await waitFor(async () => {
        const stored = await normalStored(influxd.url, database, normalKey);
        return stored.points >= normalTarget && stored.banded >= bandedBefore + 200;
      }, 600_000);
      const normalSeriesStoredAndScoredMs = Math.round(performance.now() - normalStarted);
      sampling = false;
      await sampler;
      const learned = (await metric(svc.baseline, 'tideline_baseline_events_learned_total')) - before.learned - 200;
      const refusedCardinality = await metric(svc.baseline, 'tideline_baseline_records_dead_lettered_total', {
        reason: 'cardinality_exceeded',
      });
      const deadLettered = await metric(svc.baseline, 'tideline_baseline_records_dead_lettered_total');
      const learnedAll = await metric(svc.baseline, 'tideline_baseline_events_learned_total');
      log(`burst ${k + 1}: handled in ${handledSeconds.toFixed(1)} s; waiting ${options.idleSeconds} s to settle`);
      await sleep(options.idleSeconds * 1000 + 2000);
      // idle series leave memory at the end of each batch (a bounded number per batch, each with its checkpoint):
      // a point of the known series every 250 ms makes the batches
      let settleSent = 0;
      await waitFor(async () => {
        await sendNormal(1);
        settleSent++;
        return (await metric(svc.baseline, 'tideline_baseline_series')) < peakSeries.baseline / 2;
      }, 900_000);
      await sleep(3000);
      const settled = rssOf(svc);
      for (const app of APPS) peak[app] = Math.max(peak[app], settled[app]); // evictions publish checkpoints too
      bursts.push({
        newSeries: size,
        sendSeconds: round(sendSeconds, 1),
        handledSeconds: round(handledSeconds, 1),
        learned,
        refusedCardinality,
        lostSilently: sentTotal + 200 - learnedAll - deadLettered,
        peakRssMb: { baseline: mb(peak.baseline), anomaly: mb(peak.anomaly) },
        activeSeries: peakSeries,
        bytesPerActiveSeries: {
          baseline: Math.round((peak.baseline - idleRss.baseline) / Math.max(1, peakSeries.baseline)),
          anomaly: Math.round((peak.anomaly - idleRss.anomaly) / Math.max(1, peakSeries.anomaly)),
        },
        normalSeriesStoredAndScoredMs,
        settledRssMb: { baseline: mb(settled.baseline), anomaly: mb(settled.anomaly) },
        settledSeries: {
          baseline: await metric(svc.baseline, 'tideline_baseline_series'),
          anomaly: await metric(svc.anomaly, 'tideline_anomaly_series'),
        },
      });
      sentTotal += 200 + settleSent;
      log(JSON.stringify(bursts[bursts.length - 1]));
    }
    const learnedAll = await metric(svc.baseline, 'tideline_baseline_events_learned_total');
    const influx = new InfluxClient({ url: influxd.url, database, timeoutMs: 120_000 });
    const [row] = await influx.query<{ count: number }>('SELECT count("value") FROM "points"');
    const storedPoints = row?.count ?? 0;
    const refusedPoints = await countPointsLines(kafka, topics.pointsDeadLetter);
    const shutdown = {} as Record<App, { ms: number; code: number | null }>;
    for (const app of APPS) shutdown[app] = await stopService(svc[app]);
    return {
      idleRssMb: { baseline: mb(idleRss.baseline), anomaly: mb(idleRss.anomaly) },
      bursts,
      influx: {
        storedPoints,
        refusedPoints,
        limits: INFLUX_SERIES_LIMITS,
        lostSilently: learnedAll - storedPoints - refusedPoints,
      },
      shutdown,
    };
  } catch (error) {
    for (const service of Object.values(services))
      log(`${service.app} (exit ${service.child.exitCode ?? 'running'}): ${service.stderr()}`);
    throw error;
  } finally {
    for (const service of Object.values(services)) service.child.kill('SIGKILL');
    await producer.disconnect().catch(() => undefined);
    await deleteTopics(kafka, Object.values(topics), log);
    await influxd.destroy();
  }
}

interface Service {
  readonly app: App;
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
}

async function startService(app: App, repoRoot: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'apps', app, 'dist', 'main.js')], {
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  const service = { app, child, url: `http://127.0.0.1:${port}`, stderr: () => stderr };
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`the ${app} service exited (${child.exitCode}): ${stderr}`);
    return (await fetch(`${service.url}/health`).catch(() => undefined))?.status === 200;
  }, 90_000);
  return service;
}

async function stopService(service: Service): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  const exited = once(service.child, 'exit');
  service.child.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  return { ms: Math.round(performance.now() - started), code: service.child.exitCode };
}

function rssOf(services: Record<App, Service>): Record<App, number> {
  return {
    baseline: processUsage(services.baseline.child.pid!)?.rssBytes ?? 0,
    anomaly: processUsage(services.anomaly.child.pid!)?.rssBytes ?? 0,
  };
}

/** Sum of a Prometheus counter or gauge over the series matching every label. */
async function metric(service: Service, name: string, labels: Record<string, string> = {}): Promise<number> {
  let text = '';
  for (let attempt = 0; ; attempt++) {
    try {
      text = await (await fetch(`${service.url}/metrics`)).text();
      break;
    } catch (error) {
      // a service busy for a moment (a large batch) may reset a connection: ask again, unless it is gone
      if (attempt >= 20 || service.child.exitCode !== null) throw error;
      await sleep(500);
    }
  }
  return sumMetric(text, name, labels);
}

/** Points of the series stored in InfluxDB (`points`), and those stored with their band (`baseline`: judged). */
async function normalStored(
  url: string,
  database: string,
  series: string,
): Promise<{ points: number; banded: number }> {
  const influx = new InfluxClient({ url, database });
  const escaped = series.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  const count = async (measurement: string, field: string) => {
    const [row] = await influx.query<Record<string, number>>(
      `SELECT count("${field}") FROM "${measurement}" WHERE "series" = '${escaped}'`,
    );
    return Number(row?.['count'] ?? 0);
  };
  try {
    return { points: await count('points', 'value'), banded: await count('baseline', 'expected') };
  } catch {
    return { points: 0, banded: 0 };
  }
}

/** Records of the points dead-letter topic whose line is a `points` line. */
async function countPointsLines(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let total = 0;
  try {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    for (const o of offsets) total += Number(o.high) - Number(o.low);
  } finally {
    await admin.disconnect();
  }
  if (total === 0) return 0;
  const consumer = kafka.consumer({ groupId: `bench-count-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 200 });
  let seen = 0;
  let points = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        seen++;
        if (message.value?.subarray(0, 7).toString('utf8') === 'points,') points++;
      }
    },
  });
  await waitFor(async () => seen >= total, 300_000);
  await consumer.disconnect();
  return points;
}

/** A private influxd with the local stack's series limits, so the burst meets the limits a user's InfluxDB has. */
async function startInfluxd(): Promise<PrivateInfluxd> {
  const influxd = new PrivateInfluxd({
    data: [
      `max-series-per-database = ${INFLUX_SERIES_LIMITS.maxSeriesPerDatabase}`,
      `max-values-per-tag = ${INFLUX_SERIES_LIMITS.maxValuesPerTag}`,
    ],
  });
  await influxd.start();
  return influxd;
}

async function deleteTopics(kafka: Kafka, topics: string[], log: (line: string) => void): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = [...topics, ...topics.map((t) => `${t}.dlq`)].filter((t) => t.startsWith('bench.') && existing.has(t));
    await admin.deleteTopics({ topics: mine });
  } catch (error) {
    log(`could not delete the bench topics: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(250);
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 1048576);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
