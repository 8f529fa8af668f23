import { InvalidArgumentError, type Command } from 'commander';
import { logLevel } from 'kafkajs';
import { LIMITS, TOPICS } from '@tideline/contracts';
import { IdempotentProducer, createKafka, ensureTopics, tidelineTopicSpec } from '@tideline/kafka';
import { loadReplaySeries, timeShift, type ReplaySeries } from '../replay/replay-plan';
import { progressPrinter } from '../replay/replay-progress';
import { replay } from '../replay/replay.publisher';
import { brokerDownMessage } from '../services/broker-down';
import { resolveCommandConfig } from '../services/command-config';
import type { RegisterCommand } from './index';

interface ReplayCommandOptions {
  series?: string;
  speed: number | 'max';
  host: string;
  tag: Record<string, string>;
  topic: string;
  keepTimestamps?: boolean;
}

function speedOption(value: string): number | 'max' {
  if (value === 'max') return 'max';
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError('must be a positive number (times real time) or "max"');
  return n;
}

function tagOption(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq < 1 || eq === value.length - 1) throw new InvalidArgumentError('must be key=value');
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

const DAY = 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  u: 1e-3,
  µ: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: DAY,
  w: 7 * DAY,
};

/** An InfluxDB duration literal (`30d`, `1h30m`, `INF`) in ms; Infinity for `INF`. */
export function influxDurationMs(text: string): number {
  if (text === 'INF') return Number.POSITIVE_INFINITY;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ns|u|µ|ms|s|m|h|d|w)/g))
    total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

/** What stops a replay before anything is sent, and what only deserves a warning. */
export interface ReplayCheck {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Checks a replay before it sends: files without a valid row, and (with `--keep-timestamps`) points the services
 * would refuse (older than `LIMITS.maxPastAgeMs` or further ahead than `LIMITS.maxFutureSkewMs`: each would go to the
 * dead-letter topic as `timestamp_out_of_range`) or InfluxDB would not keep (older than `influx.retention`). Pure.
 */
export function checkReplay(
  series: readonly ReplaySeries[],
  shiftMs: number,
  nowMs: number,
  retention: string,
): ReplayCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const empty = series.filter((s) => s.points.length === 0);
  if (empty.length === series.length) {
    errors.push(
      `no valid rows in ${series.map((s) => s.file).join(', ')} (expected "timestamp,value" lines such as ` +
        `"2014-04-01 00:00:00,20.5"; ${series.reduce((n, s) => n + s.skippedLines, 0)} malformed lines skipped)`,
    );
    return { errors, warnings };
  }
  for (const s of empty) warnings.push(`${s.file}: no valid rows, nothing to replay from it`);
  const all = series.flatMap((s) => s.points);
  const oldest = nowMs - LIMITS.maxPastAgeMs;
  const newest = nowMs + LIMITS.maxFutureSkewMs;
  const tooOld = all.filter((p) => p.ts + shiftMs < oldest).length;
  const tooNew = all.filter((p) => p.ts + shiftMs > newest).length;
  if (tooOld > 0) {
    errors.push(
      `${tooOld} of ${all.length} points are older than the ${Math.round(LIMITS.maxPastAgeMs / 365 / DAY)} years ` +
        `the services accept (before ${new Date(oldest).toISOString()}): each would go to the dead-letter topic as ` +
        'timestamp_out_of_range. Nothing was sent; replay without --keep-timestamps to move the history into the past week',
    );
  }
  if (tooNew > 0) {
    errors.push(
      `${tooNew} of ${all.length} points lie more than ${LIMITS.maxFutureSkewMs / 60_000} min in the future ` +
        `(after ${new Date(newest).toISOString()}): each would go to the dead-letter topic as timestamp_out_of_range. ` +
        'Nothing was sent; replay without --keep-timestamps to move the history into the past week',
    );
  }
  const keepFrom = nowMs - influxDurationMs(retention);
  const beyondRetention = all.filter((p) => p.ts + shiftMs < keepFrom && p.ts + shiftMs >= oldest).length;
  if (errors.length === 0 && beyondRetention > 0) {
    warnings.push(
      `${beyondRetention} of ${all.length} points are older than influx.retention (${retention}): they are judged and ` +
        'alerted on, but InfluxDB will not store them (nor their bands and scores)',
    );
  }
  return { errors, warnings };
}

/**
 * `tideline replay <csv-or-dir>`: publishes historical points (NAB's `timestamp,value` CSV layout) to the metrics
 * topic as ordinary metric events, so they take the same path as live data: baselines get seeded and a spike in the
 * history raises an alert within seconds. Exits 1 before sending anything when the files hold no valid row or the
 * services would refuse the points' times, and with one line saying what to run when Kafka does not answer.
 */
export const registerReplayCommand: RegisterCommand = (program: Command) => {
  program
    .command('replay')
    .description('publish historical points (CSV: timestamp,value; a file or a directory of them) to the metrics topic')
    .argument('<csv-or-dir>', 'a CSV file, or a directory whose *.csv files are replayed together')
    .option(
      '--series <name>',
      'metric name of the series (default: the file name); a prefix when replaying a directory',
    )
    .option(
      '--speed <N|max>',
      'N times real time, or "max" for as fast as the broker takes them',
      speedOption,
      'max' as const,
    )
    .option('--host <host>', 'host of the replayed series', 'replay')
    .option('--tag <key=value>', 'add a tag to every event (repeatable)', tagOption, {})
    .option('--topic <topic>', 'topic to publish to', TOPICS.metrics)
    .option(
      '--keep-timestamps',
      'publish the original timestamps (default: shift history by whole weeks so its last point falls in the past week)',
    )
    .action(async (path: string, options: ReplayCommandOptions) => {
      const { config } = resolveCommandConfig(process.env);
      const series = loadReplaySeries(path, options.series);
      for (const s of series) {
        if (s.skippedLines > 0) process.stderr.write(`replay: ${s.file}: skipped ${s.skippedLines} malformed lines\n`);
      }
      const now = Date.now();
      const shiftMs = timeShift(series, now, options.keepTimestamps === true);
      const check = checkReplay(series, shiftMs, now, config.influx.retention);
      for (const warning of check.warnings) process.stderr.write(`replay: warning: ${warning}\n`);
      if (check.errors.length > 0) {
        for (const error of check.errors) process.stderr.write(`replay: ${error}\n`);
        process.exitCode = 1;
        return;
      }
      const kafka = createKafka(config.kafka, { clientId: 'tideline-replay', logLevel: logLevel.NOTHING });
      const producer = new IdempotentProducer(kafka, { maxInFlightRequests: 1 });
      const abort = new AbortController();
      const onSigint = () => abort.abort(new Error('interrupted'));
      process.once('SIGINT', onSigint);
      try {
        await ensureTopics(kafka, [tidelineTopicSpec('metrics', options.topic, config.kafka)]);
        await producer.connect();
        const label = series.length === 1 ? series[0]!.metric : `${series.length} series`;
        const sent = await replay(series, {
          speed: options.speed,
          host: options.host,
          tags: options.tag,
          shiftMs,
          send: (records) => producer.send(options.topic, records),
          onProgress: progressPrinter(label),
          signal: abort.signal,
        });
        const names = series.map((s) => s.metric).join(', ');
        process.stdout.write(`replayed ${sent} events of ${names} (host ${options.host}) to ${options.topic}\n`);
      } catch (error) {
        const down = brokerDownMessage(error, config.kafka.brokers);
        process.stderr.write(`replay: ${down ?? (error instanceof Error ? error.message : String(error))}\n`);
        process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
        await producer.disconnect().catch(() => undefined);
      }
    });
};
