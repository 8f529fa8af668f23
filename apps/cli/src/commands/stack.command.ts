import type { Command } from 'commander';
import {
  checkStack,
  consoleOutput,
  DEFAULT_READY_TIMEOUT_MS,
  findRepoRoot,
  followFiles,
  formatDownResult,
  formatDuration,
  formatStatus,
  printUpResults,
  resolveStackSettings,
  selectComponents,
  stackComponents,
  stackStatus,
  startStack,
  stopStack,
  tailFile,
  timeoutSecondsOption,
  upJson,
} from '@tideline/devstack';
import { appComponents } from '../services/app-services';
import type { RegisterCommand } from './index';

function settingsFromProcess() {
  return resolveStackSettings(process.env, findRepoRoot(), process.cwd());
}

/** `tideline stack up|down|status|logs`: the local Kafka and InfluxDB servers only. */
export const registerStackCommand: RegisterCommand = (program: Command) => {
  const stack = program
    .command('stack')
    .description(
      'The local servers (Kafka, InfluxDB) under .tideline/ (or $TIDELINE_HOME), loopback unless TIDELINE_KAFKA_BIND says otherwise',
    );

  stack
    .command('up')
    .description('start Kafka and InfluxDB in the background and wait until both answer (idempotent)')
    .addOption(timeoutSecondsOption('how long to wait for readiness', DEFAULT_READY_TIMEOUT_MS))
    .option('--json', 'print the outcome as JSON on stdout (progress goes to stderr)')
    .option('--check', 'only check what starting needs (Java, Maven, influxd or apt-get, free ports); start nothing')
    .action(async (options: { timeout: number; json?: boolean; check?: boolean }) => {
      const out = consoleOutput(options.json === true);
      if (options.check) {
        const failures = await checkStack(stackComponents(settingsFromProcess(), process.env));
        for (const failure of failures)
          if (failure.outcome === 'failed') out.error(`${failure.name}: ${failure.reason}`);
        if (failures.length === 0) out.info('stack: everything needed to start it is there (or it is running)');
        process.exitCode = failures.length === 0 ? 0 : 1;
        return;
      }
      const started = Date.now();
      const up = await startStack({ timeoutMs: options.timeout, output: out });
      printUpResults(up.results, up.components, out);
      if (options.json) process.stdout.write(`${upJson(up.results, up.env)}\n`);
      if (!up.ok) {
        process.exitCode = 1;
        return;
      }
      out.info(`stack ready in ${formatDuration(Date.now() - started)}`);
    });

  stack
    .command('down')
    .description('stop the servers `stack up` started (SIGTERM, SIGKILL after 15 s); others are left alone')
    .argument('[components...]', 'only these: kafka, influxdb')
    .action(async (names: string[]) => {
      for (const result of await stopStack(names)) process.stdout.write(`${formatDownResult(result)}\n`);
    });

  stack
    .command('status')
    .description('show each server; exits 0 only when all answer')
    .option('--json', 'print the statuses as JSON')
    .action(async (options: { json?: boolean }) => {
      const statuses = await stackStatus();
      if (options.json) process.stdout.write(`${JSON.stringify(statuses)}\n`);
      else for (const status of statuses) formatStatus(status).forEach((line) => process.stdout.write(`${line}\n`));
      if (!statuses.every((status) => status.healthy)) process.exitCode = 1;
    });

  stack
    .command('logs')
    .description('print (or follow) the log of a server or app')
    .argument('[component]', 'kafka, influxdb, or an app (collector, baseline, anomaly, reporter); default: all')
    .option('-f, --follow', 'keep printing what is appended, until Ctrl-C')
    .option('-n, --lines <count>', 'how many lines to print first', (value) => Number.parseInt(value, 10), 50)
    .action(async (name: string | undefined, options: { follow?: boolean; lines: number }) => {
      const settings = settingsFromProcess();
      const all = [...stackComponents(settings, process.env), ...appComponents(settings, process.env)];
      const selected = selectComponents(all, name ? [name] : []);
      const files = selected.map((component) => ({ label: component.name, file: component.logFile }));
      for (const { label, file } of files) {
        const lines = tailFile(file, options.lines);
        if (files.length > 1 || lines.length === 0) {
          process.stdout.write(`==> ${file}${lines.length === 0 ? ' (empty or missing)' : ''} <==\n`);
        }
        lines.forEach((line) => process.stdout.write(`${files.length > 1 ? `${label}| ` : ''}${line}\n`));
      }
      if (!options.follow) return;
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      await followFiles(
        files,
        (label, line) => process.stdout.write(`${files.length > 1 ? `${label}| ` : ''}${line}\n`),
        abort.signal,
      );
    });
};
