import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { METRIC_EVENT_SCHEMA, escapeTagValue, seriesKey } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka } from '@tideline/kafka';
import {
  freePort,
  PrivateInfluxd,
  startService as startServiceProcess,
  sumMetric,
  waitUntilHealthy,
  type ServiceProcess,
} from '@tideline/testing';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { INFLUX_SERIES_LIMITS } from '@tideline/devstack';
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
  /**
   * The baseline service's counters over the burst: events learned (an event of a batch delivered again after a
   * rebalance counts again) and refused by a series cap.
   */
  readonly learned: number;
  readonly refusedCardinality: number;
  /** Every event sent so far, each either stored or dead-lettered, or lost silently: see {@link PointAccount}. */
  readonly points: PointAccount;
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
  /** The baseline service's checkpoint table on disk (`baseline.checkpointTableDir`), and its entries. */
  readonly checkpointTableMb: number;
  readonly checkpointTableEntries: number;
}

/**
 * Where each event sent so far went, looked up where it would have ended up, not counted by the services' counters,
 * so `sent = stored + refused + deadLettered + lostSilently` (goal: 0 lost). Each event is counted once, in the first
 * of these places that holds it: an event refused by a series cap and then learned when its batch came again (after
 * a rebalance, with room made by idle series) counts as stored, and in `deadLetteredThenStored`.
 */
export interface PointAccount {
  readonly sent: number;
  /** In InfluxDB's `points` (a burst series has one point: its series is there; the known series: its row count). */
  readonly stored: number;
  /** On the points dead-letter topic (InfluxDB refused them, with its reason). */
  readonly refused: number;
  /** On the metrics dead-letter topic (e.g. `cardinality_exceeded`). */
  readonly deadLettered: number;
  readonly lostSilently: number;
  readonly deadLetteredThenStored: number;
}

export interface SeriesBurstResult {
  readonly idleRssMb: Readonly<Record<App, number>>;
  readonly bursts: readonly BurstFigures[];
  /** At the end of the run, the settling points included. */
  readonly points: PointAccount;
  readonly influxLimits: typeof INFLUX_SERIES_LIMITS;
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
    TIDELINE__ANOMALY__TOPICS__POINTS_DEAD_LETTER: topics.pointsDeadLetter,
    TIDELINE__ANOMALY__CONSUMER_GROUP: `bench-${id}-anomaly`,
    TIDELINE__LIMITS__IDLE_EVICTION_MS: String(options.idleSeconds * 1000),
  };
  const kafka = createKafka({ brokers: [...options.brokers], clientId: 'tideline-bench-series-burst' });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const admin = kafka.admin();
  const influx = new InfluxClient({ url: influxd.url, database, timeoutMs: 120_000 });
  const services: Partial<Record<App, Service>> = {};
  try {
    await admin.connect();
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
    const sentBursts: number[] = [];
    // handled: both services' groups have committed to the end of what they consume; a batch is committed only once
    // its points are written to InfluxDB (or dead-lettered) and its judged points published
    const allHandled = async (timeoutMs: number) => {
      await waitFor(() => caughtUp(admin, `bench-${id}-baseline`, topics.metrics), timeoutMs);
      await waitFor(() => caughtUp(admin, `bench-${id}-anomaly`, topics.baselines), timeoutMs);
    };
    const account = async (): Promise<PointAccount> => {
      const storedSeries = new Set(
        (await influx.query<{ value: string }>('SHOW TAG VALUES FROM "points" WITH KEY = "series"')).map(
          (r) => r.value,
        ),
      );
      // the series tag of a refused `points` line, as written (escaped)
      const refusedSeries = await distinctRecords(kafka, admin, topics.pointsDeadLetter, (message) => {
        const line = message.value?.toString('utf8') ?? '';
        return line.startsWith('points,') ? /,series=((?:[^,\\ ]|\\.)*)/.exec(line)?.[1] : undefined;
      });
      const deadLetteredSeries = await distinctRecords(kafka, admin, `${topics.metrics}.dlq`, (message) =>
        message.key?.toString('utf8'),
      );
      const counts = {
        stored: (await normalStored(influxd.url, database, normalKey)).points,
        refused: 0,
        deadLettered: 0,
        deadLetteredThenStored: 0,
      };
      for (const [k, size] of sentBursts.entries())
        for (let i = 0; i < size; i++) {
          const series = burstSeries(k, i).key;
          const deadLettered = deadLetteredSeries.has(series);
          if (storedSeries.has(series)) {
            counts.stored++;
            if (deadLettered) counts.deadLetteredThenStored++;
          } else if (refusedSeries.has(escapeTagValue(series))) counts.refused++;
          else if (deadLettered) counts.deadLettered++;
        }
      const lostSilently = sentTotal - counts.stored - counts.refused - counts.deadLettered;
      return { sent: sentTotal, ...counts, lostSilently };
    };
    for (const [k, size] of options.bursts.entries()) {
      await allHandled(120_000);
      const before = {
        learned: await metric(svc.baseline, 'tideline_baseline_events_learned_total'),
        refused: await metric(svc.baseline, 'tideline_baseline_records_dead_lettered_total', {
          reason: 'cardinality_exceeded',
        }),
      };
      // a burst is handled at a few thousand series a second at worst (admitted as idle ones leave): no fixed wait
      const burstTimeoutMs = 600_000 + size * 2;
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
          const { key, host, tags } = burstSeries(k, i);
          messages.push({
            key,
            value: JSON.stringify({ schema: METRIC_EVENT_SCHEMA, metric: 'http.requests', host, tags, value: 1, ts }),
          });
        }
        await producer.send({ topic: topics.metrics, acks: 1, messages });
      }
      sentTotal += size;
      sentBursts.push(size);
      const sendSeconds = (performance.now() - sendStarted) / 1000;
      await allHandled(burstTimeoutMs);
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
      sentTotal += 200;
      await allHandled(120_000);
      const points = await account();
      const learned = (await metric(svc.baseline, 'tideline_baseline_events_learned_total')) - before.learned - 200;
      const refusedCardinality =
        (await metric(svc.baseline, 'tideline_baseline_records_dead_lettered_total', {
          reason: 'cardinality_exceeded',
        })) - before.refused;
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
        points,
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
        checkpointTableMb: mb(checkpointTableBytes(svc.baseline)),
        checkpointTableEntries: await metric(svc.baseline, 'tideline_baseline_checkpoint_table_entries'),
      });
      sentTotal += settleSent;
      log(JSON.stringify(bursts[bursts.length - 1]));
    }
    await allHandled(120_000);
    const points = await account();
    const shutdown = {} as Record<App, { ms: number; code: number | null }>;
    for (const app of APPS) shutdown[app] = await stopService(svc[app]);
    return {
      idleRssMb: { baseline: mb(idleRss.baseline), anomaly: mb(idleRss.anomaly) },
      bursts,
      points,
      influxLimits: INFLUX_SERIES_LIMITS,
      shutdown,
    };
  } catch (error) {
    for (const service of Object.values(services))
      log(`${service.app} (exit ${service.child.exitCode ?? 'running'}): ${service.stderr()}`);
    throw error;
  } finally {
    for (const service of Object.values(services)) service.child.kill('SIGKILL');
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await deleteTopics(kafka, Object.values(topics), log);
    await influxd.destroy();
  }
}

type Service = ServiceProcess & { readonly app: App };

async function startService(app: App, repoRoot: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const service = startServiceProcess({
    main: join(repoRoot, 'apps', app, 'dist', 'main.js'),
    env: { ...env, HTTP_PORT: String(port) },
    port,
    // a run of many minutes: the last lines are what explains a failure
    outputTailChars: 4000,
  });
  await waitUntilHealthy(service, `the ${app} service`, 90_000);
  return Object.assign(service, { app });
}

async function stopService(service: Service): Promise<{ ms: number; code: number | null }> {
  const started = performance.now();
  const exit = await service.stop(30_000).catch(() => ({ code: null }));
  return { ms: Math.round(performance.now() - started), code: exit.code };
}

/** The `i`-th new series of burst `k`: one point each. */
function burstSeries(k: number, i: number): { key: string; host: string; tags: Record<string, string> } {
  const tags = { request_id: `${k}-${i}` };
  const host = `host-${i % 1000}`;
  return { key: seriesKey({ metric: 'http.requests', host, tags }), host, tags };
}

/** Whether the group has committed to the end of every partition of the topic. */
async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return ends.every((end) => BigInt(end.high) <= BigInt(end.low) || (at.get(end.partition) ?? -1n) >= BigInt(end.high));
}

/** Bytes of the service's checkpoint table folder (the default, under the OS temp folder, named after its pid). */
function checkpointTableBytes(service: Service): number {
  const prefix = `tideline-table-${service.child.pid}-`;
  let bytes = 0;
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(prefix)))
    for (const file of readdirSync(join(tmpdir(), name))) bytes += statSync(join(tmpdir(), name, file)).size;
  return bytes;
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

/** Distinct keys (`keyOf`; undefined: left out) of a topic's records, read from its start to its current end. */
async function distinctRecords(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  keyOf: (message: KafkaMessage) => string | undefined,
): Promise<Set<string>> {
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic).catch(() => []))
      .filter((o) => BigInt(o.high) > BigInt(o.low))
      .map((o) => [o.partition, BigInt(o.high)] as const),
  );
  const keys = new Set<string>();
  if (ends.size === 0) return keys;
  const consumer = kafka.consumer({ groupId: `bench-count-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = keyOf(message);
          if (key !== undefined) keys.add(key);
        }
        const end = ends.get(batch.partition);
        if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) ends.delete(batch.partition);
      },
    });
    await waitFor(async () => ends.size === 0, 600_000);
  } finally {
    await consumer.disconnect();
  }
  return keys;
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
