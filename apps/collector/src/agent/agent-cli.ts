import { configSecrets, loadConfigOrExit } from '@tideline/config';
import { createAgentLogger } from './agent-logger';
import { startAgentHttpServer, serverUrl } from './agent-http.server';
import { CollectorAgent } from './collector-agent';

/** sysexits.h: a bad command line, and a service (Kafka) that is not available. */
export const USAGE_EXIT_CODE = 64;
export const UNAVAILABLE_EXIT_CODE = 69;

export const USAGE = `Usage: tideline-collector [--brokers HOST:PORT[,HOST:PORT...]] [--config FILE] [--check]

Samples this host (CPU, memory, disks, network, load, processes) and any Prometheus endpoints listed under
collector.scrape every collector.intervalMs (default 10 s), and publishes the metric events to Kafka's
tideline.metrics.v1 topic. Serves /health and /metrics on http.host:http.port (default 127.0.0.1:8710).

Options:
  --brokers LIST   Kafka bootstrap brokers (wins over KAFKA_BROKERS and the config file's kafka.brokers)
  --config FILE    YAML config file (also TIDELINE_CONFIG); see collector.example.yaml
  --check          read the host and the scrape targets twice, one second apart, print the events the second
                   round would send (one JSON object per line) and whether Kafka answers; sends nothing.
                   Exits 0 when Kafka answers, 69 when it does not
  -h, --help       this text

Any config key can also come from the environment, e.g. TIDELINE__COLLECTOR__INTERVAL_MS=30000, HTTP_PORT=9810,
LOG_LEVEL=debug. A bad value exits 78 naming the key.
`;

export interface AgentArgs {
  readonly brokers?: string;
  readonly config?: string;
  readonly check: boolean;
  readonly help: boolean;
}

/** Parses the command line; throws an Error saying what is wrong (the caller prints the usage). */
export function parseAgentArgs(argv: readonly string[]): AgentArgs {
  let brokers: string | undefined;
  let config: string | undefined;
  let check = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next === '' || (inline === undefined && next.startsWith('--'))) {
        throw new Error(`${flag} needs a value`);
      }
      return next;
    };
    if (flag === '--brokers') brokers = value();
    else if (flag === '--config') config = value();
    else if (flag === '--check' && inline === undefined) check = true;
    else if ((flag === '--help' || flag === '-h') && inline === undefined) help = true;
    else throw new Error(`unknown argument "${arg}"`);
  }
  return { ...(brokers ? { brokers } : {}), ...(config ? { config } : {}), check, help };
}

/** The `tideline-collector` command (and `node apps/collector/dist/main.js`). */
export async function runAgent(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let args: AgentArgs;
  try {
    args = parseAgentArgs(argv);
  } catch (error) {
    process.stderr.write(`tideline-collector: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(USAGE_EXIT_CODE);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfigOrExit('collector', {
    env: args.brokers ? { ...env, KAFKA_BROKERS: args.brokers } : env,
    argv: args.config ? ['--config', args.config] : [],
    ...(args.config ? { configPath: args.config } : {}),
  });
  const log = createAgentLogger(args.check ? 'warn' : config.log.level, configSecrets(config, env));
  const agent = new CollectorAgent(config, log);
  if (args.check) {
    process.exitCode = await check(agent, config.kafka.brokers, config.collector.topic);
    await agent.stop(0);
    return;
  }

  const server = await startAgentHttpServer(agent, config.http.host, config.http.port, config.http);
  log.info(`listening on ${serverUrl(server)} (/health, /metrics)`);
  agent.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping (last flush to Kafka, at most 2 s)`);
    server.close();
    server.closeAllConnections();
    agent.stop(2000).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`stopping failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function check(agent: CollectorAgent, brokers: readonly string[], topic: string): Promise<number> {
  const result = await agent.check();
  for (const event of result.events) process.stdout.write(`${JSON.stringify(event)}\n`);
  const series = new Set(result.events.map((event) => event.metric)).size;
  const lines = [
    `${result.events.length} events (${series} metrics) for host "${agent.host}" would go to ${topic}` +
      (result.invalid > 0 ? `; ${result.invalid} left out as invalid` : ''),
    ...result.failedTargets.map((failure) => `scrape target failed: ${failure}`),
    result.kafka.checks['kafka']?.ok
      ? `Kafka at ${brokers.join(',')} answers`
      : `Kafka at ${brokers.join(',')} does not answer: ${result.kafka.checks['kafka']?.error ?? 'unknown error'}`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  return result.kafka.status === 'ok' ? 0 : UNAVAILABLE_EXIT_CODE;
}
