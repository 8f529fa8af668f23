import type { Command } from 'commander';
import { runReportNow } from '../report/reporter-entry';
import { reporterEnvironment, resolveCommandConfig } from '../services/command-config';
import type { RegisterCommand } from './index';

/**
 * `tideline report --now [--since ISO] [--until ISO] [--to ADDR] [--smtp-url URL] [--wait S] [--json]`: builds the
 * report for a period (default: the configured period ending now), saves it (HTML, JSON, charts) under
 * `reporter.dataDir`, queues one message per team and tries to send it; prints where the HTML was saved. It runs the
 * reporter's own one-shot entry point (apps/reporter/dist/report-now.js) with the reporter's config, InfluxDB where
 * `tideline up` put it and the reports in the folder the reporter `up` runs serves (see {@link resolveCommandConfig},
 * {@link reporterEnvironment}).
 *
 * Exit status: 0 saved and delivered (or written to the outbox); 3 saved but not delivered yet (queued, retried by
 * the reporter service or `--wait`); 4 saved but delivery failed permanently; 2 bad arguments; 1 build failed.
 */
export const registerReportCommand: RegisterCommand = (program: Command) => {
  program
    .command('report')
    .description('build the weekly report now, save it and e-mail it')
    .option('--now', 'build and send a report now (required)')
    .option('--since <iso>', 'start of the period (default: until minus reporter.periodMs)')
    .option('--until <iso>', 'end of the period (default: now)')
    .option(
      '--to <addr>',
      'send to this address instead of the configured teams (repeatable, or comma-separated)',
      collect,
    )
    .option(
      '--smtp-url <url>',
      'send over this SMTP server, e.g. smtp://127.0.0.1:2525 (default: reporter.smtp, else the outbox folder)',
    )
    .option('--wait <seconds>', 'keep retrying an undelivered message this long before exiting')
    .option('--json', 'print one JSON object')
    .option('--config <path>', 'config file (default: TIDELINE_CONFIG)')
    .action(async (options: ReportOptions) => {
      if (!options.now) {
        process.stderr.write(
          'tideline report: say --now to build and send a report now (the schedule runs in the reporter service)\n',
        );
        process.exitCode = 2;
        return;
      }
      // Passed on as given; report-now.js validates them and names a bad one.
      const args: string[] = [];
      if (options.since !== undefined) args.push('--since', options.since);
      if (options.until !== undefined) args.push('--until', options.until);
      for (const to of options.to ?? []) args.push('--to', to);
      if (options.smtpUrl !== undefined) args.push('--smtp-url', options.smtpUrl);
      if (options.wait !== undefined) args.push('--wait', options.wait);
      if (options.json) args.push('--json');
      if (options.config !== undefined) args.push('--config', options.config);
      try {
        const { config, stack } = resolveCommandConfig(process.env);
        const env = { INFLUX_URL: config.influx.url, ...reporterEnvironment(stack, process.env, process.argv) };
        const run = await runReportNow(args, { inherit: true, env: definedOnly(env) });
        process.exitCode = run.code;
      } catch (error) {
        process.stderr.write(`tideline report: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
};

interface ReportOptions {
  now?: boolean;
  since?: string;
  until?: string;
  to?: string[];
  smtpUrl?: string;
  wait?: string;
  json?: boolean;
  config?: string;
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
