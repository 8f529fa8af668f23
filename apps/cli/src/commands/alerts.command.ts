import { InvalidArgumentError, type Command } from 'commander';
import { logLevel } from 'kafkajs';
import { TOPICS } from '@tideline/contracts';
import { createKafka, ensureTopics } from '@tideline/kafka';
import { formatAlertLine } from '../alerts/alert-format';
import { readAlerts } from '../alerts/alert-reader';
import { brokerDownMessage } from '../services/broker-down';
import { resolveCommandConfig } from '../services/command-config';
import type { RegisterCommand } from './index';

interface AlertsOptions {
  follow?: boolean;
  json?: boolean;
  timeout?: number;
  series?: string;
  topic: string;
}

function secondsOption(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

/**
 * `tideline alerts [--follow] [--json] [--timeout S]`: prints the alerts on the alerts topic, oldest first, each
 * (id, state) once.
 *
 * - no option: the alerts there now, then exit 0;
 * - `--follow`: then keep printing new ones until Ctrl-C;
 * - `--timeout S`: without `--follow`, wait up to S seconds for a first alert if there is none yet; with `--follow`,
 *   follow for S seconds. Either way exit 0 if at least one alert was printed, 1 if none (so a script can wait for
 *   an alert: `tideline alerts --json --timeout 60`).
 *
 * Kafka is where `tideline up` put it (see {@link resolveCommandConfig}); when it does not answer, the command ends
 * with one line saying what to run, and exit status 1.
 */
export const registerAlertsCommand: RegisterCommand = (program: Command) => {
  program
    .command('alerts')
    .description('print alerts (firing / resolved) from the alerts topic')
    .option('-f, --follow', 'keep printing new alerts until Ctrl-C (or --timeout)')
    .option('--json', 'one alert event (JSON, schema tideline.alert/1) per line')
    .option('--timeout <seconds>', 'wait at most this long; exit 1 if no alert was printed', secondsOption)
    .option('--series <text>', 'only alerts whose series contains this text')
    .option('--topic <topic>', 'the alerts topic', TOPICS.alerts)
    .action(async (options: AlertsOptions) => {
      const { config } = resolveCommandConfig(process.env);
      const kafka = createKafka(config.kafka, { clientId: 'tideline-alerts', logLevel: logLevel.NOTHING });
      const { partitions, replicationFactor, retentionMs } = config.kafka;
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      // `tideline alerts --json | head -1`: stop reading when the reader of stdout goes away
      const onStdoutError = (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') abort.abort();
      };
      process.stdout.on('error', onStdoutError);
      let printed = 0;
      try {
        // so that waiting for the first alert works before any service has created the topic
        await ensureTopics(kafka, [{ topic: options.topic, partitions, replicationFactor, retentionMs }]);
        await readAlerts({
          kafka,
          topic: options.topic,
          follow: options.follow === true,
          ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout * 1000 }),
          signal: abort.signal,
          ...(options.series === undefined ? {} : { accept: (alert) => alert.series.includes(options.series!) }),
          onAlert: (alert) => {
            if (abort.signal.aborted) return;
            printed++;
            process.stdout.write(`${options.json ? JSON.stringify(alert) : formatAlertLine(alert)}\n`);
          },
          onInvalid: ({ partition, offset, reason }) =>
            process.stderr.write(`alerts: skipped record ${partition}/${offset}: ${reason}\n`),
        });
      } catch (error) {
        const down = brokerDownMessage(error, config.kafka.brokers);
        if (down === undefined) throw error;
        process.stderr.write(`alerts: ${down}\n`);
        process.exitCode = 1;
        return;
      } finally {
        process.off('SIGINT', onSigint);
        process.stdout.off('error', onStdoutError);
      }
      if (options.timeout !== undefined && printed === 0) {
        process.stderr.write(`alerts: no alert within ${options.timeout} s\n`);
        process.exitCode = 1;
      }
    });
};
