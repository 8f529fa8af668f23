import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import { createReporter } from '@tideline/reporter/dist/reporter.factory';
import type { RegisterCommand } from './index';

interface ReportOptions {
  now?: boolean;
  since?: number;
  until?: number;
  to?: string[];
  smtpUrl?: string;
  wait?: number;
  json?: boolean;
}

function isoTime(value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(`must be an ISO 8601 time such as 2026-11-23T08:00:00Z, got "${value}"`);
  return ms;
}

function addresses(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a.length > 0),
  ];
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number of seconds >= 0');
  return n;
}

/**
 * `tideline report --now`: builds the report for a period (default: the configured period ending now), saves it
 * (HTML, JSON, charts) under `reporter.dataDir`, queues it for each team and tries to send it once. Prints where the
 * HTML was saved. Uses the reporter's config (file via --config / TIDELINE_CONFIG, environment).
 *
 * Exit status: 0 saved and delivered (or written to the outbox); 3 saved but not delivered yet (SMTP down: the
 * message stays queued and the reporter service, or `--wait`, retries it); 4 saved but delivery failed permanently;
 * 1 the report could not be built.
 */
export const registerReportCommand: RegisterCommand = (program: Command) => {
  program
    .command('report')
    .description('build the weekly report now, save it and e-mail it')
    .option('--now', 'build and send a report now (required)')
    .option('--since <iso>', 'start of the period (default: until minus reporter.periodMs)', isoTime)
    .option('--until <iso>', 'end of the period (default: now)', isoTime)
    .option(
      '--to <addr>',
      'send to this address instead of the configured teams (repeatable, or comma-separated)',
      addresses,
    )
    .option(
      '--smtp-url <url>',
      'send over this SMTP server, e.g. smtp://127.0.0.1:2525 (default: reporter.smtp, else the outbox folder)',
    )
    .option('--wait <seconds>', 'keep retrying an undelivered message this long before exiting', seconds)
    .option('--json', 'print one JSON object')
    .action(async (options: ReportOptions) => {
      if (!options.now) {
        process.stderr.write(
          'tideline report: say --now to build and send a report now (the schedule runs in the reporter service)\n',
        );
        process.exitCode = 2;
        return;
      }
      const config = loadConfig('reporter');
      const until = options.until ?? Date.now();
      const since = options.since ?? until - config.reporter.periodMs;
      if (!(since < until)) {
        process.stderr.write(
          `tideline report: --since (${new Date(since).toISOString()}) must be before --until (${new Date(until).toISOString()})\n`,
        );
        process.exitCode = 2;
        return;
      }
      if (options.smtpUrl !== undefined && !/^smtps?:\/\//.test(options.smtpUrl)) {
        process.stderr.write(
          `tideline report: --smtp-url must be an smtp:// or smtps:// URL, got "${options.smtpUrl}"\n`,
        );
        process.exitCode = 2;
        return;
      }
      const influx = new InfluxClient({ ...config.influx, timeoutMs: config.reporter.queryTimeoutMs });
      const log = options.json ? undefined : (line: string) => process.stderr.write(`${line}\n`);
      const reporter = createReporter(config.reporter, influx, config.influx.database, {
        ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
        ...(log ? { log } : {}),
      });
      try {
        log?.(
          `building the report for ${new Date(since).toISOString()} – ${new Date(until).toISOString()} from ${config.influx.url} (${config.influx.database})…`,
        );
        const result = await reporter.runner.run({
          trigger: 'on-demand',
          since,
          until,
          ...(options.to ? { to: options.to } : {}),
        });
        let deliveries = result.deliveries;
        const deadline = Date.now() + (options.wait ?? 0) * 1000;
        while (deliveries.some((d) => d.state === 'pending') && Date.now() < deadline) {
          const due = (await reporter.delivery.nextDueAt()) ?? Date.now();
          await new Promise((resolve) => setTimeout(resolve, Math.max(100, Math.min(deadline, due) - Date.now())));
          const again = await reporter.delivery.deliverDue();
          deliveries = deliveries.map((d) => again.find((a) => a.job.key === d.job.key) ?? d);
        }
        const states = deliveries.map((d) => d.state);
        process.exitCode = states.includes('failed') ? 4 : states.includes('pending') ? 3 : 0;
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({
              id: result.report.id,
              html: result.saved.htmlPath,
              json: result.saved.jsonPath,
              summary: result.report.summary,
              notes: result.report.notes,
              deliveries: deliveries.map((d) => ({
                team: d.job.team,
                to: d.job.to,
                state: d.state,
                deliveredTo: d.job.deliveredTo,
                rejected: d.job.rejected,
                error: d.job.lastError,
              })),
              timings: result.report.timings,
            })}\n`,
          );
          return;
        }
        const s = result.report.summary;
        process.stdout.write(
          [
            `report ${result.report.id}: ${s.hosts} hosts, ${s.seriesWithData}/${s.series} series with data, ${s.incidents} incidents, ` +
              `${s.projections} projections, ${s.recommendations} recommendations (built in ${(result.report.timings['totalMs']! / 1000).toFixed(1)} s)`,
            ...result.report.notes.map((n) => `  note: ${n.message}`),
            ...deliveries.map((d) =>
              d.state === 'delivered'
                ? `  sent to ${d.job.to.join(', ')} (${d.job.team}) via ${d.job.deliveredTo}${d.job.rejected && d.job.rejected.length > 0 ? `; refused: ${d.job.rejected.join(', ')}` : ''}`
                : d.state === 'pending'
                  ? `  NOT sent yet to ${d.job.to.join(', ')} (${d.job.team}): ${d.job.lastError ?? 'pending'}; queued in ${reporter.queue.root}, retried by the reporter service`
                  : `  FAILED to send to ${d.job.to.join(', ')} (${d.job.team}): ${d.job.lastError}`,
            ),
            `HTML saved to ${result.saved.htmlPath}`,
            '',
          ].join('\n'),
        );
      } catch (error) {
        process.stderr.write(`tideline report: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      } finally {
        reporter.close();
      }
    });
};
