import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@tideline/config';
import { InfluxClient, InfluxError } from '@tideline/influx';
import { createReporter } from './reporter.factory';

/**
 * The reporter's one-shot entry point, run by `tideline report --now` and `tideline bench report` as
 * `node apps/reporter/dist/report-now.js [options]` (the CLI may not import an app, so it runs this one).
 * Uses the reporter's config (file via --config / TIDELINE_CONFIG, environment).
 *
 * Exit status: 0 saved and delivered (or written to the outbox); 3 saved but not delivered yet (SMTP down: the
 * message stays queued and the reporter service, or `--wait`, retries it); 4 saved but delivery failed permanently;
 * 2 bad arguments; 1 the report could not be built.
 */
interface Options {
  since?: number;
  until?: number;
  to?: string[];
  smtpUrl?: string;
  wait?: number;
  json?: boolean;
  buildOnly?: boolean;
  config?: string;
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

function smtpUrl(value: string): string {
  if (!/^smtps?:\/\/[^/]/.test(value))
    throw new InvalidArgumentError(`must be an smtp:// or smtps:// URL, got "${value}"`);
  return value;
}

export function reportNowProgram(): Command {
  return new Command('report-now')
    .option('--since <iso>', 'start of the period (default: until minus reporter.periodMs)', isoTime)
    .option('--until <iso>', 'end of the period (default: now)', isoTime)
    .option(
      '--to <addr>',
      'send to this address instead of the configured teams (repeatable, or comma-separated)',
      addresses,
    )
    .option('--smtp-url <url>', 'send over this SMTP server (default: reporter.smtp, else the outbox folder)', smtpUrl)
    .option('--wait <seconds>', 'keep retrying an undelivered message this long before exiting', seconds)
    .option('--json', 'print one JSON object')
    .option('--build-only', 'build the report and print its summary and timings; save and send nothing (benchmark)')
    .option('--config <path>', 'config file')
    .exitOverride();
}

export async function reportNow(argv: readonly string[]): Promise<number> {
  const program = reportNowProgram();
  try {
    program.parse([...argv], { from: 'user' });
  } catch {
    return 2;
  }
  const options = program.opts<Options>();
  const config = loadConfig('reporter', options.config ? { configPath: options.config } : {});
  const until = options.until ?? Date.now();
  const since = options.since ?? until - config.reporter.periodMs;
  if (!(since < until)) {
    process.stderr.write(
      `--since (${new Date(since).toISOString()}) must be before --until (${new Date(until).toISOString()})\n`,
    );
    return 2;
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
    if (options.buildOnly) {
      const started = performance.now();
      const { report, charts } = await reporter.builder.build({
        id: 'build-only',
        trigger: 'on-demand',
        since,
        until,
        timezone: config.reporter.schedule.timezone,
      });
      const out = {
        buildMs: Math.round(performance.now() - started),
        summary: report.summary,
        timings: report.timings,
        charts: charts.size,
        notes: report.notes.map((n) => n.message),
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
      return 0;
    }
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
    const code = states.includes('failed') ? 4 : states.includes('pending') ? 3 : 0;
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
      return code;
    }
    const s = result.report.summary;
    process.stdout.write(
      [
        `report ${result.report.id}: ${s.hosts} hosts, ${s.seriesWithData}/${s.series} series with data, ${s.incidents} incidents, ` +
          `${s.projections} projections, ${s.recommendations} recommendations (built in ${((result.report.timings['totalMs'] ?? 0) / 1000).toFixed(1)} s)`,
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
    return code;
  } catch (error) {
    process.stderr.write(`report: ${describeFailure(error, config.influx.url)}\n`);
    return 1;
  } finally {
    reporter.close();
  }
}

/**
 * One line for a report that could not be built. InfluxDB not answering (stopped, wrong port) says what to run instead
 * of the client's error alone.
 */
export function describeFailure(error: unknown, influxUrl: string): string {
  const unreachable = error instanceof InfluxError && error.status === undefined && error.retriable;
  if (unreachable) {
    const cause = /\): (.+)$/.exec(error.message)?.[1] ?? error.code;
    return `InfluxDB does not answer at ${influxUrl} (${cause}); run \`npx tideline status\` to see what is running`;
  }
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  reportNow(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`report: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
