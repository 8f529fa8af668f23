import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '@tideline/config';

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

/**
 * Nest's console logger, except that Nest's start-up chatter is logged at debug: at info a service logs one start line
 * of its own, and its features' lines, rather than forty lines of wiring.
 */
export class ServiceLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) super.debug(message, ...rest);
    else super.log(message, ...rest);
  }
}
