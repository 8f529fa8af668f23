import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { METRIC_EVENT_SCHEMA, TOPICS } from '@tideline/contracts';
import { InfluxClient } from '@tideline/influx';
import { createKafka, ensureTopics, partitionOfKey, type OutgoingRecord } from '@tideline/kafka';
import { freePort, metricValue, sumMetric } from '@tideline/testing';
import type { Kafka, Producer } from 'kafkajs';
import type { ReceivedAlert } from './alert-subscriber';
import { ensureKafkaToolsJar, runProducerPerformance, type ProducerPerfResult } from './kafka-producer-perf';
import { percentile } from './percentiles';
import { processUsage } from './process-usage';

export interface E2eBenchOptions {
  readonly brokers: readonly string[];
  readonly influxUrl: string;
  /** Target events per second during the load phase. */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly series: number;
  readonly partitions: number;
  /** Points per series sent before the load, so every model is past its warm-up. */
  readonly warmUpPoints: number;
  /** One series gets a spike this often (ms): the alerts whose latency is measured. */
  readonly spikeEveryMs: number;
  /** Run Kafka's ProducerPerformance with this many records; 0 skips it. */
  readonly kafkaPerfRecords: number;
  readonly repoRoot: string;
  /** Where `apps/<app>/dist/main.js` of the services is taken from (another build, for a side-by-side run); default repoRoot. */
  readonly servicesRoot?: string;
  /** The design of the services run (default `one-stream`, this build's). */
  readonly servicesDesign?: ServicesDesign;
  /** Write a V8 CPU profile of each service (`node --cpu-prof`) into this directory when it exits. */
  readonly cpuProfDir?: string;
  readonly kafkaLibs: string;
  /** Where kafka-tools is resolved to. */
  readonly kafkaToolsDir: string;
  readonly log: (line: string) => void;
}

export interface E2eBenchResult {
  readonly config: {
    readonly rate: number;
    readonly durationSeconds: number;
    readonly series: number;
    readonly partitions: number;
    readonly eventBytes: number;
    readonly cpus: number;
  };
  readonly produced: { readonly events: number; readonly seconds: number; readonly perSecond: number };
  /**
   * Events scored by the anomaly service during the load window, and the time it needed after the load to finish;
   * `notLearned`: events of the run the baseline service took as not after their series' latest point (reordered on
   * their way, see `NOT_LEARNED_COUNTER`), handled without a decision.
   */
  readonly scored: {
    readonly events: number;
    readonly perSecondDuringLoad: number;
    readonly drainMs: number;
    readonly notLearned?: number;
  };
  /** Load-phase events ÷ (load duration + drain): what the whole path sustained. */
  readonly sustainedEventsPerSecond: number;
  readonly alerts: { readonly spikes: number; readonly firing: number; readonly resolved: number };
  /**
   * Ingest (the event handed to the producer) to the alert's arrival at a consumer; `published*`: to the moment the
   * anomaly service produced the alert (its record's CreateTime), i.e. without the alert's own delivery.
   */
  readonly latencyMs: {
    readonly samples: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly publishedP50: number;
    readonly publishedP99: number;
  };
  /** Each service process during the load (CPU, RSS, batches), and the CPU both spent per 1,000 events. */
  readonly services: {
    readonly baseline: ServiceUsage;
    readonly anomaly: ServiceUsage;
    /**
     * CPU seconds of baseline + anomaly per 1,000 events of the load, from its start until every one of its events is
     * decided on (the drain included: a backlog is worked off after the load ends); null when /proc is not readable.
     */
    readonly cpuSecondsPer1000Events: number | null;
  };
  readonly generatorCpuPercent: number;
  readonly kafkaProducerPerf: ProducerPerfResult | { readonly error: string } | null;
  /** sustainedEventsPerSecond ÷ Kafka's own producer records/s against the same broker. */
  readonly ratioToKafkaProducer: number | null;
  readonly floor: { readonly eventsPerSecond: number; readonly p99Ms: number; readonly passed: boolean };
}

export interface ServiceUsage {
  /** Of one core, during the load. */
  readonly cpuPercent: number | null;
  /** This service's share of `services.cpuSecondsPer1000Events` (load and drain). */
  readonly cpuSecondsPer1000Events: number | null;
  readonly rssMaxMb: number | null;
  /** Batches handled during the load and their mean handling time. */
  readonly batches: number;
  readonly avgBatchMs: number;
}

/** The floors of the one-stream design: 60,000 events/s through both services with p99 ingest-to-alert within 1 s. */
export const E2E_FLOOR = Object.freeze({ eventsPerSecond: 60_000, p99Ms: 1000 });

type PipelineApp = 'baseline' | 'anomaly';

/**
 * Events per send of the load generator, and sends in flight. kafkajs groups a send's messages per partition by
 * copying the partition's array for every message (quadratic in the send size: ~7 % of the generator's CPU at 1,000),
 * but each send is also a request the broker handles on the same 2 cores: 250 per send (64 in flight) halved the
 * rate the generator reached on a loaded machine.
 */
const SEND_CHUNK = 1000;
const MAX_SENDS_IN_FLIGHT = 16;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The pipeline design of the services a run starts. `one-stream`, this build's: the baseline service scores and
 * publishes judged points, the anomaly service decides on them, so an event is handled once the anomaly service has
 * decided on it. `two-model`, builds before it (for side-by-side runs against them): each service ran its own model,
 * the anomaly service consumed the metrics topic itself and the baseline service worked off the alert path, so an
 * event is handled once both have taken it (else a baseline service that falls behind would not be counted).
 */
export type ServicesDesign = 'one-stream' | 'two-model';

/**
 * The baseline service's count of events not after their series' latest learned point: it stores their raw point and
 * publishes nothing for them (a redelivery, or a series' events out of order, which the load generator's concurrent
 * sends can cause now and then), so the anomaly service never decides on them.
 */
const NOT_LEARNED_COUNTER = 'tideline_baseline_events_not_learned_total';

/**
 * The counters (`/metrics`) that count the events a service has handled, in groups whose counters add up; an event
 * is handled when every group has counted it.
 */
const HANDLED_COUNTERS: Record<ServicesDesign, readonly (readonly { app: PipelineApp; counter: string }[])[]> = {
  'one-stream': [
    [
      { app: 'anomaly', counter: 'tideline_anomaly_points_decided_total' },
      { app: 'baseline', counter: NOT_LEARNED_COUNTER },
    ],
  ],
  'two-model': [
    [{ app: 'anomaly', counter: 'tideline_anomaly_events_scored_total' }],
    [{ app: 'baseline', counter: 'tideline_baseline_events_learned_total' }],
  ],
};

/**
 * `tideline bench e2e`: real Kafka → the baseline service (the model) → baselines topic → the anomaly service (the
 * decisions) → alerts, both compiled apps as processes with their default config. Sends a warm-up, then a paced load
 * of metric events over many series with a spike on one series every `spikeEveryMs`; measures what the whole path
 * sustained (events decided on per second by the anomaly service, including the drain after the load), the CPU both
 * services spent per event, and the ingest→alert latency of the spikes (event time, set when the event is handed to
 * the producer, to the alert's arrival at a consumer). Then runs Kafka's own ProducerPerformance against the same
 * broker for the ratio. Everything runs on its own topics and database, removed afterwards.
 */
export async function runE2eBench(options: E2eBenchOptions): Promise<E2eBenchResult> {
  const run = await prepareRun(options);
  options.log(
    `starting the baseline and anomaly services (topics bench.${run.id}.*, ${options.partitions} partitions)`,
  );
  const services = {
    baseline: await spawnService('baseline', options, run.env),
    anomaly: await spawnService('anomaly', options, run.env),
  };
  const load = createLoadProducer(run.kafka, run.topics.metrics, options.partitions);
  const alerts = spawnAlertSubscriber(options.brokers, run.topics.alerts, `bench-${run.id}-alerts`);
  try {
    for (const service of Object.values(services)) await waitReady(service);
    await load.producer.connect();
    await subscriberReady(alerts.subscriber, alerts.received);
    const generator = new LoadGenerator(options.series, load.partitionOf);
    await warmUp(options, generator, load.send, services);
    const phase = await runLoadPhase(options, generator, load.send, services);
    const { drainMs, drained } = await drain(options, services, phase);
    await awaitLastAlerts(generator.spikesSent, alerts.received);
    const notLearned = await metricValue(services.baseline.url, NOT_LEARNED_COUNTER);
    const summary = summarize(phase, drainMs, drained, generator.spikesSent, alerts.received);
    const result = {
      config: {
        rate: options.rate,
        durationSeconds: options.durationSeconds,
        series: options.series,
        partitions: options.partitions,
        eventBytes: generator.averageBytes(),
        cpus: (await import('node:os')).cpus().length,
      },
      ...summary,
      scored: { ...summary.scored, notLearned },
    };
    await Promise.all(Object.values(services).map((service) => stopProcess(service.child)));
    const perf = await kafkaProducerPerf(options, run, result.config.eventBytes);
    return withRatioAndFloor(result, perf);
  } finally {
    for (const { child } of Object.values(services))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    alerts.subscriber.kill('SIGTERM');
    await load.producer.disconnect().catch(() => undefined);
    await cleanUp(run.kafka, Object.values(run.topics), options.influxUrl, run.database, options.log);
  }
}

interface BenchRun {
  readonly id: string;
  readonly topics: {
    readonly metrics: string;
    readonly baselines: string;
    readonly alerts: string;
    readonly alertState: string;
    readonly modelCheckpoints: string;
    readonly perf: string;
  };
  readonly database: string;
  readonly kafka: Kafka;
  /** The services' environment: the bench's topics, consumer groups and database. */
  readonly env: Record<string, string>;
}

/** This run's own topics (created), database name and the services' environment. */
async function prepareRun(options: E2eBenchOptions): Promise<BenchRun> {
  const id = randomBytes(4).toString('hex');
  const topics = {
    metrics: `bench.${id}.metrics`,
    baselines: `bench.${id}.baselines`,
    alerts: `bench.${id}.alerts`,
    alertState: `bench.${id}.alert-state`,
    modelCheckpoints: `bench.${id}.model-checkpoints`,
    pointsDeadLetter: `bench.${id}.points.dlq`,
    perf: `bench.${id}.kafka-producer-perf`,
  };
  const database = `bench_${id}`;
  const kafka = createKafka({ brokers: [...options.brokers], clientId: 'tideline-bench' });
  const p = options.partitions;
  await ensureTopics(kafka, [
    { topic: topics.metrics, partitions: p, withDeadLetter: true },
    { topic: topics.baselines, partitions: p, withDeadLetter: true },
    { topic: topics.alerts, partitions: p },
    { topic: topics.alertState, partitions: p, compact: true },
    { topic: topics.modelCheckpoints, partitions: p, compact: true },
  ]);
  const common = {
    KAFKA_BROKERS: options.brokers.join(','),
    INFLUX_URL: options.influxUrl,
    INFLUX_DATABASE: database,
    LOG_LEVEL: 'warn',
    TIDELINE__BASELINE__TOPICS__METRICS: topics.metrics,
    TIDELINE__BASELINE__TOPICS__BASELINES: topics.baselines,
    TIDELINE__BASELINE__TOPICS__MODEL_CHECKPOINTS: topics.modelCheckpoints,
    TIDELINE__BASELINE__CONSUMER_GROUP: `bench-${id}-baseline`,
    TIDELINE__ANOMALY__TOPICS__ALERTS: topics.alerts,
    TIDELINE__ANOMALY__TOPICS__ALERT_STATE: topics.alertState,
    TIDELINE__ANOMALY__CONSUMER_GROUP: `bench-${id}-anomaly`,
  };
  // A two-model build's configuration refuses the keys it did not have, and its anomaly service reads the metrics.
  const env =
    (options.servicesDesign ?? 'one-stream') === 'one-stream'
      ? {
          ...common,
          TIDELINE__BASELINE__TOPICS__POINTS_DEAD_LETTER: topics.pointsDeadLetter,
          TIDELINE__ANOMALY__TOPICS__BASELINES: topics.baselines,
          TIDELINE__ANOMALY__TOPICS__POINTS_DEAD_LETTER: topics.pointsDeadLetter,
        }
      : { ...common, TIDELINE__ANOMALY__TOPICS__METRICS: topics.metrics };
  return { id, topics, database, kafka, env };
}

type Send = (records: OutgoingRecord[]) => Promise<unknown>;

/**
 * The load generator's producer. It must cost far less than what it measures: a plain producer, leader acks, no
 * idempotence, and each series' partition computed once (Kafka's default murmur2 partitioning) instead of per
 * message.
 */
function createLoadProducer(
  kafka: Kafka,
  topic: string,
  partitions: number,
): { producer: Producer; send: Send; partitionOf: (key: string) => number } {
  const partitionOf = (key: string) => partitionOfKey(key, partitions);
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner:
      () =>
      ({ message }) =>
        message.partition ?? 0,
  });
  const send = (records: OutgoingRecord[]) =>
    producer.send({ topic, acks: 1, messages: records as { key: Buffer; value: string }[] });
  return { producer, send, partitionOf };
}

/** The subscriber process and each alert as it received it (see alert-subscriber.ts for why it is a separate process). */
function spawnAlertSubscriber(
  brokers: readonly string[],
  topic: string,
  group: string,
): { subscriber: ChildProcess; received: ReceivedAlert[] } {
  const subscriber = spawn(
    process.execPath,
    [join(__dirname, 'alert-subscriber.js'), brokers.join(','), topic, group],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return { subscriber, received: [] };
}

/** Every series past its model's warm-up before the load, all of it handled. */
async function warmUp(
  options: E2eBenchOptions,
  generator: LoadGenerator,
  send: Send,
  services: Record<PipelineApp, SpawnedService>,
): Promise<void> {
  options.log(`warm-up: ${options.warmUpPoints} points for each of ${options.series} series`);
  const warm = generator.warmUp(options.warmUpPoints, Date.now());
  for (let i = 0; i < warm.length; i += 1000) await send(warm.slice(i, i + 1000));
  await waitHandled(options, services, warm.length, 120_000);
}

/** What the load phase sent and what the services had done and spent at its start and end. */
interface LoadPhase {
  readonly sent: number;
  readonly started: number;
  readonly loadEnded: number;
  readonly loadSeconds: number;
  readonly scoredBefore: number;
  readonly scoredAtEnd: number;
  readonly before: readonly ServiceSample[];
  readonly atEnd: readonly ServiceSample[];
  readonly rssMax: readonly number[];
  readonly generatorCpu: NodeJS.CpuUsage;
}

/**
 * The paced load: every 2 ms what the rate says is due, in sends of at most {@link SEND_CHUNK} with at most
 * {@link MAX_SENDS_IN_FLIGHT} in flight, and the spikes due; each service's RSS sampled every second.
 */
async function runLoadPhase(
  options: E2eBenchOptions,
  generator: LoadGenerator,
  send: Send,
  services: Record<PipelineApp, SpawnedService>,
): Promise<LoadPhase> {
  options.log(
    `load: ${options.rate} events/s for ${options.durationSeconds} s, a spike every ${options.spikeEveryMs} ms`,
  );
  const scoredBefore = await handledTotal(options, services);
  const before = await Promise.all(APPS.map((app) => serviceSample(services[app])));
  const cpuBefore = process.cpuUsage();
  const rssMax = [before[0]!.usage?.rssBytes ?? 0, before[1]!.usage?.rssBytes ?? 0];
  const started = Date.now();
  const durationMs = options.durationSeconds * 1000;
  let sent = 0;
  let spikesRequested = 0;
  const inFlight = new Set<Promise<unknown>>();
  let lastSample = started;
  for (;;) {
    const now = Date.now();
    const elapsed = now - started;
    if (elapsed >= durationMs) break;
    if (now - lastSample >= 1000) {
      lastSample = now;
      APPS.forEach((app, i) => {
        rssMax[i] = Math.max(rssMax[i]!, processUsage(services[app].child.pid!)?.rssBytes ?? 0);
      });
    }
    const dueSpikes = Math.floor(elapsed / options.spikeEveryMs) + 1 - spikesRequested;
    for (let i = 0; i < dueSpikes; i++) generator.requestSpike(spikesRequested++);
    // kafkajs groups a send's messages per partition in O(n²): many small sends, not few big ones
    const due = Math.min(SEND_CHUNK, Math.floor((elapsed / 1000) * options.rate) - sent);
    if (due <= 0 || inFlight.size >= MAX_SENDS_IN_FLIGHT) {
      if (inFlight.size >= MAX_SENDS_IN_FLIGHT) await Promise.race(inFlight);
      else await sleep(2);
      continue;
    }
    const records = generator.next(due, now);
    sent += due;
    const sending = send(records).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  await Promise.all(inFlight);
  const loadEnded = Date.now();
  const loadSeconds = (loadEnded - started) / 1000;
  const scoredAtEnd = await handledTotal(options, services);
  const atEnd = await Promise.all(APPS.map((app) => serviceSample(services[app])));
  const generatorCpu = process.cpuUsage(cpuBefore);
  return { sent, started, loadEnded, loadSeconds, scoredBefore, scoredAtEnd, before, atEnd, rssMax, generatorCpu };
}

/**
 * Waits until every event of the load is decided on: how long that took after the load ended (ms), and the
 * services' usage then.
 */
async function drain(
  options: E2eBenchOptions,
  services: Record<PipelineApp, SpawnedService>,
  phase: LoadPhase,
): Promise<{ drainMs: number; drained: ServiceSample[] }> {
  options.log(
    `sent ${phase.sent} events in ${phase.loadSeconds.toFixed(1)} s; waiting for the service to score them all`,
  );
  await waitHandled(options, services, phase.scoredBefore + phase.sent, 120_000);
  const drainMs = Math.max(0, Date.now() - phase.loadEnded);
  return { drainMs, drained: await Promise.all(APPS.map((app) => serviceSample(services[app]))) };
}

/**
 * The alerts of the last spikes are on their way: waits up to 5 s for one firing alert per spike sent. (A spike
 * requested in the last moments of the load may not have been sent: it replaces its series' next value.)
 */
async function awaitLastAlerts(spikes: number, received: readonly ReceivedAlert[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && received.filter((r) => r.state === 'firing').length < spikes) await sleep(50);
}

/** Throughput, alerts, latencies and the services' usage of the load phase. */
function summarize(
  phase: LoadPhase,
  drainMs: number,
  drained: readonly ServiceSample[],
  spikes: number,
  received: readonly ReceivedAlert[],
): Omit<E2eBenchResult, 'config' | 'kafkaProducerPerf' | 'ratioToKafkaProducer' | 'floor'> {
  const { sent, started, loadEnded, loadSeconds, scoredBefore, scoredAtEnd, before, atEnd, rssMax } = phase;
  const firing = received.filter((r) => r.state === 'firing' && r.host.startsWith('bench-'));
  const latencies = firing.map((r) => r.at - r.updatedAt);
  const toTopic = firing.map((r) => r.producedAt - r.updatedAt);
  const sustained = sent / ((loadEnded - started + drainMs) / 1000);
  const cpu = APPS.map((_, i) => cpuSecondsBetween(before[i]!, drained[i]!));
  const per1000 = (seconds: number | null) => (seconds === null ? null : round((1000 * seconds) / sent, 4));
  const usage = APPS.map((_, i) => ({
    ...serviceUsage(before[i]!, atEnd[i]!, loadSeconds, rssMax[i]!),
    cpuSecondsPer1000Events: per1000(cpu[i]!),
  }));
  const [baselineCpu, anomalyCpu] = cpu;
  return {
    produced: { events: sent, seconds: round(loadSeconds, 2), perSecond: Math.round(sent / loadSeconds) },
    scored: {
      events: scoredAtEnd - scoredBefore,
      perSecondDuringLoad: Math.round((scoredAtEnd - scoredBefore) / loadSeconds),
      drainMs,
    },
    sustainedEventsPerSecond: Math.round(sustained),
    alerts: {
      spikes,
      firing: firing.length,
      resolved: received.filter((r) => r.state === 'resolved').length,
    },
    latencyMs: {
      samples: latencies.length,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
      publishedP50: percentile(toTopic, 0.5),
      publishedP99: percentile(toTopic, 0.99),
    },
    services: {
      baseline: usage[0]!,
      anomaly: usage[1]!,
      cpuSecondsPer1000Events: baselineCpu == null || anomalyCpu == null ? null : per1000(baselineCpu + anomalyCpu),
    },
    generatorCpuPercent: Math.round((100 * (phase.generatorCpu.user + phase.generatorCpu.system)) / 1e6 / loadSeconds),
  };
}

/** Kafka's ProducerPerformance against the same broker, records as large as the load's events (null when skipped). */
async function kafkaProducerPerf(
  options: E2eBenchOptions,
  run: BenchRun,
  eventBytes: number,
): Promise<ProducerPerfResult | { error: string } | null> {
  if (options.kafkaPerfRecords <= 0) return null;
  try {
    options.log('resolving kafka-tools (ProducerPerformance)');
    const toolsJar = ensureKafkaToolsJar(options.kafkaLibs, options.kafkaToolsDir);
    await ensureTopics(run.kafka, [{ topic: run.topics.perf, partitions: options.partitions }]);
    options.log(`Kafka ProducerPerformance: ${options.kafkaPerfRecords} records of ${eventBytes} bytes, acks=all`);
    return await runProducerPerformance({
      kafkaLibs: options.kafkaLibs,
      toolsJar,
      brokers: options.brokers.join(','),
      topic: run.topics.perf,
      records: options.kafkaPerfRecords,
      recordSize: eventBytes,
      props: ['acks=all'],
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function withRatioAndFloor(
  result: Omit<E2eBenchResult, 'kafkaProducerPerf' | 'ratioToKafkaProducer' | 'floor'>,
  perf: ProducerPerfResult | { error: string } | null,
): E2eBenchResult {
  const ratio =
    perf !== null && 'recordsPerSecond' in perf
      ? round(result.sustainedEventsPerSecond / perf.recordsPerSecond, 3)
      : null;
  const passed =
    result.sustainedEventsPerSecond >= E2E_FLOOR.eventsPerSecond &&
    result.latencyMs.p99 <= E2E_FLOOR.p99Ms &&
    result.alerts.firing > 0;
  return { ...result, kafkaProducerPerf: perf, ratioToKafkaProducer: ratio, floor: { ...E2E_FLOOR, passed } };
}

/**
 * Metric events over `series` series, JSON-encoded by string concatenation (the generator must cost far less than
 * what it measures). Values: a level with a small 5-point cycle; a requested spike replaces the next value of one
 * series by a value far above its band. Per series, timestamps strictly increase.
 */
class LoadGenerator {
  /** Encoded once: kafkajs would otherwise encode each message's key string again. */
  private readonly keys: Buffer[];
  private readonly partitions: number[];
  private readonly prefixes: string[];
  private readonly count: Uint32Array;
  private readonly lastTs: Float64Array;
  private readonly spiked = new Set<number>();
  private cursor = 0;
  /** Spikes actually sent (a requested spike goes out with its series' next value). */
  spikesSent = 0;
  private bytes = 0;
  private events = 0;

  constructor(
    private readonly series: number,
    partitionOf: (key: string) => number,
  ) {
    const keys = Array.from({ length: series }, (_, i) => `bench.latency|host=bench-${i}`);
    this.keys = keys.map((key) => Buffer.from(key));
    this.partitions = keys.map(partitionOf);
    this.prefixes = Array.from(
      { length: series },
      (_, i) => `{"schema":"${METRIC_EVENT_SCHEMA}","metric":"bench.latency","host":"bench-${i}","tags":{},"value":`,
    );
    this.count = new Uint32Array(series);
    this.lastTs = new Float64Array(series);
  }

  warmUp(points: number, nowMs: number): OutgoingRecord[] {
    const out: OutgoingRecord[] = [];
    for (let j = 0; j < points; j++) {
      for (let i = 0; i < this.series; i++) out.push(this.record(i, nowMs - (points - j) * 1000, false));
    }
    return out;
  }

  /** The n-th spike goes to a series spread over all of them (37 is coprime with any count not a multiple of 37). */
  requestSpike(n: number): void {
    this.spiked.add((n * 37) % this.series);
  }

  next(n: number, nowMs: number): OutgoingRecord[] {
    const out = new Array<OutgoingRecord>(n);
    for (let k = 0; k < n; k++) {
      const i = this.cursor;
      this.cursor = (this.cursor + 1) % this.series;
      const spike = this.spiked.delete(i);
      if (spike) this.spikesSent++;
      out[k] = this.record(i, nowMs, spike);
    }
    return out;
  }

  averageBytes(): number {
    return this.events === 0 ? 0 : Math.round(this.bytes / this.events);
  }

  private record(i: number, tsWanted: number, spike: boolean): OutgoingRecord {
    const ts = tsWanted > this.lastTs[i]! ? tsWanted : this.lastTs[i]! + 1;
    this.lastTs[i] = ts;
    const k = this.count[i]!++;
    const value = spike ? 1000 : 100 + (((k * 7) % 5) - 2) / 2;
    const json = `${this.prefixes[i]}${value},"ts":${ts}}`;
    this.bytes += json.length;
    this.events++;
    return { key: this.keys[i]!, value: json, partition: this.partitions[i]! };
  }
}

const APPS: readonly PipelineApp[] = ['baseline', 'anomaly'];

interface SpawnedService {
  readonly app: PipelineApp;
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
}

/** Starts `apps/<app>/dist/main.js` on a free port with the bench's topics and database. */
async function spawnService(
  app: PipelineApp,
  options: Pick<E2eBenchOptions, 'repoRoot' | 'servicesRoot' | 'cpuProfDir'>,
  env: Record<string, string>,
): Promise<SpawnedService> {
  const port = await freePort();
  const profile = options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];
  const main = join(options.servicesRoot ?? options.repoRoot, 'apps', app, 'dist', 'main.js');
  const child = spawn(process.execPath, [...profile, main], {
    env: { ...process.env, ...env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
  return { app, child, url: `http://127.0.0.1:${port}`, stderr: () => stderr };
}

async function waitReady(service: SpawnedService): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null)
      throw new Error(`the ${service.app} service exited (${service.child.exitCode}): ${service.stderr()}`);
    try {
      if ((await fetch(`${service.url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the ${service.app} service was not ready within 90 s: ${service.stderr()}`);
}

interface ServiceSample {
  readonly usage: ReturnType<typeof processUsage>;
  readonly batches: { count: number; sum: number };
}

async function serviceSample(service: SpawnedService): Promise<ServiceSample> {
  return { usage: processUsage(service.child.pid!), batches: await batchStats(service.url, service.app) };
}

function cpuSecondsBetween(before: ServiceSample, after: ServiceSample): number | null {
  return before.usage && after.usage ? after.usage.cpuSeconds - before.usage.cpuSeconds : null;
}

function serviceUsage(
  before: ServiceSample,
  after: ServiceSample,
  seconds: number,
  rssMax: number,
): Omit<ServiceUsage, 'cpuSecondsPer1000Events'> {
  const cpuSeconds = cpuSecondsBetween(before, after);
  const batches = after.batches.count - before.batches.count;
  return {
    cpuPercent: cpuSeconds === null ? null : Math.round((100 * cpuSeconds) / seconds),
    rssMaxMb: rssMax > 0 ? Math.round(rssMax / 1048576) : null,
    batches,
    avgBatchMs: round((1000 * (after.batches.sum - before.batches.sum)) / Math.max(1, batches), 1),
  };
}

/** The events every service that must take an event has handled: the least of the design's counters. */
async function handledTotal(options: E2eBenchOptions, services: Record<PipelineApp, SpawnedService>): Promise<number> {
  const counts = await Promise.all(
    HANDLED_COUNTERS[options.servicesDesign ?? 'one-stream'].map(async (group) => {
      const values = await Promise.all(group.map(({ app, counter }) => metricValue(services[app].url, counter)));
      return values.reduce((sum, value) => sum + value, 0);
    }),
  );
  return Math.min(...counts);
}

async function batchStats(url: string, app: PipelineApp): Promise<{ count: number; sum: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    count: sumMetric(text, `tideline_${app}_batch_seconds_count`),
    sum: sumMetric(text, `tideline_${app}_batch_seconds_sum`),
  };
}

async function waitHandled(
  options: E2eBenchOptions,
  services: Record<PipelineApp, SpawnedService>,
  target: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handled = await handledTotal(options, services);
    if (handled >= target) return;
    if (Date.now() > deadline)
      throw new Error(
        `the services handled ${handled} of ${target} events within ${timeoutMs} ms; their counters: ${await countersOf(services)}`,
      );
    await sleep(20);
  }
}

/**
 * Every `tideline_*_total` counter of each service, summed over its labels: where the missing events stopped (not
 * learned, not published, dead-lettered, refused) when a run falls short.
 */
async function countersOf(services: Record<PipelineApp, SpawnedService>): Promise<string> {
  const parts = await Promise.all(
    APPS.map(async (app) => {
      const text = await (await fetch(`${services[app].url}/metrics`)).text().catch(() => '');
      const totals = new Map<string, number>();
      for (const line of text.split('\n')) {
        const name = /^(tideline_[a-z0-9_]*_total)[{ ]/.exec(line)?.[1];
        if (name !== undefined && !totals.has(name)) totals.set(name, sumMetric(text, name));
      }
      return `${app}: ${[...totals].map(([name, value]) => `${name}=${value}`).join(', ')}`;
    }),
  );
  return parts.join('; ');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
}

async function cleanUp(kafka: Kafka, topics: string[], influxUrl: string, database: string, log: (l: string) => void) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const mine = [...topics, `${topics[0]}.dlq`].filter((t) => existing.has(t));
    // never a Tideline topic of the running system: only this run's bench.<id>.* topics
    if (mine.some((t) => Object.values(TOPICS).includes(t as never)))
      throw new Error('refusing to delete a Tideline topic');
    await admin.deleteTopics({ topics: mine });
  } catch (error) {
    log(`could not delete the bench topics: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  await new InfluxClient({ url: influxUrl, database }).dropDatabase(database).catch(() => undefined);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Resolves once the subscriber process consumes; from then on every alert line it prints is pushed to `received`. */
async function subscriberReady(subscriber: ChildProcess, received: ReceivedAlert[]): Promise<void> {
  const lines = createInterface({ input: subscriber.stdout! });
  await new Promise<void>((resolve, reject) => {
    subscriber.once('exit', (code) => reject(new Error(`the alert subscriber exited (code ${String(code)})`)));
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else if (line.startsWith('{')) received.push(JSON.parse(line) as ReceivedAlert);
    });
  });
}
