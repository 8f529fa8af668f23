import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '@tideline/config';
import { TOPICS } from '@tideline/contracts';
import { IdempotentProducer, createKafka, ensureTopics, tidelineTopicSpec } from '@tideline/kafka';
import { loadReplaySeries, timeShift } from '../replay/replay-plan';
import { progressPrinter } from '../replay/replay-progress';
import { replay } from '../replay/replay.publisher';
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

/**
 * `tideline replay <csv-or-dir>`: publishes historical points (NAB's `timestamp,value` CSV layout) to the metrics
 * topic as ordinary metric events, so they take the same path as live data: baselines get seeded and a spike in the
 * history raises an alert within seconds.
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
      const config = loadConfig('cli');
      const series = loadReplaySeries(path, options.series);
      for (const s of series) {
        if (s.skippedLines > 0) process.stderr.write(`replay: ${s.file}: skipped ${s.skippedLines} malformed lines\n`);
      }
      const shiftMs = timeShift(series, Date.now(), options.keepTimestamps === true);
      const kafka = createKafka(config.kafka, { clientId: 'tideline-replay' });
      await ensureTopics(kafka, [tidelineTopicSpec('metrics', options.topic, config.kafka)]);
      const producer = new IdempotentProducer(kafka, { maxInFlightRequests: 1 });
      await producer.connect();
      const abort = new AbortController();
      const onSigint = () => abort.abort(new Error('interrupted'));
      process.once('SIGINT', onSigint);
      try {
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
        process.stderr.write(`replay: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSigint);
        await producer.disconnect();
      }
    });
};
