import { type LogLevel, redactSecrets } from '@tideline/config';

export interface AgentLogger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = { fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };

/**
 * One line per message, `<ISO time> <level> collector: <message>`, up to `level` (the `log` section): info and debug
 * to stdout, warnings and errors to stderr, as journald and `tideline stack logs` read them.
 */
export function createAgentLogger(level: LogLevel, secrets: readonly string[] = []): AgentLogger {
  const line = (name: LogLevel, stream: NodeJS.WriteStream) => (message: string) => {
    // the config's secrets (configSecrets) and URL credentials never reach a line
    if (SEVERITY[name] <= SEVERITY[level])
      stream.write(`${new Date().toISOString()} ${name} collector: ${redactSecrets(message, secrets)}\n`);
  };
  return {
    error: line('error', process.stderr),
    warn: line('warn', process.stderr),
    info: line('info', process.stdout),
    debug: line('debug', process.stdout),
  };
}
