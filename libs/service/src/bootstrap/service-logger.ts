import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel as NestLogLevel } from '@nestjs/common';
import { type LogLevel, redactSecrets } from '@tideline/config';

/** Nest's levels enabled by each of our `log.level` values (Nest calls info "log" and trace "verbose"). */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  const ordered: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo: Record<LogLevel, NestLogLevel> = {
    fatal: 'fatal',
    error: 'error',
    warn: 'warn',
    info: 'log',
    debug: 'debug',
    trace: 'verbose',
  };
  return ordered.slice(0, ordered.indexOf(upTo[level]) + 1);
}

/** Contexts of Nest's own start-up chatter: one line per module and per route. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

export interface ServiceLoggerOptions extends ConsoleLoggerOptions {
  /** Values never printed: each is replaced by `***` in every line (the config's passwords, tokens, secrets). */
  readonly secrets?: readonly string[];
}

/**
 * Nest's console logger, except that Nest's start-up chatter is logged at debug: at info a service logs one start line
 * of its own, and its features' lines, rather than forty lines of wiring. Every line it prints, stack traces included,
 * has the config's secrets and URL credentials replaced by `***`.
 */
export class ServiceLogger extends ConsoleLogger {
  private readonly secrets: readonly string[];

  constructor(context: string, options: ServiceLoggerOptions = {}) {
    const { secrets = [], ...consoleOptions } = options;
    super(context, consoleOptions);
    this.secrets = secrets;
  }

  protected override formatMessage(...args: Parameters<ConsoleLogger['formatMessage']>): string {
    return redactSecrets(super.formatMessage(...args), this.secrets);
  }

  protected override stringifyJsonLogObject(logObject: Record<string, unknown>): string {
    return redactSecrets(super.stringifyJsonLogObject(logObject), this.secrets);
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack === undefined ? stack : redactSecrets(stack, this.secrets));
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}
