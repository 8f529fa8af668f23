import { type DynamicModule, type ForwardReference, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  configSecrets,
  isLoopbackHost,
  type LoadConfigOptions,
  loadConfigOrExit,
  redactSecrets,
  type ServiceName,
} from '@tideline/config';
import { HealthChecks } from '../health/health-checks';
import { HealthModule } from '../health/health.module';
import { httpAuthMiddleware } from '../http-auth/http-auth.middleware';
import { MetricsModule } from '../metrics/metrics.module';
import type { ServiceConfig } from '../service.tokens';
import { ServiceConfigModule } from './service-config.module';
import { nestLogLevels, ServiceLogger } from './service-logger';

export interface BootstrapServiceOptions {
  readonly app: ServiceName;
  /** The app's root module (`AppModule`); feature modules are imported there. */
  readonly module: Type<unknown> | DynamicModule | ForwardReference;
  /** Where the config comes from; default `process.env` and `process.argv`. */
  readonly config?: LoadConfigOptions;
  /** After SIGTERM, exit 1 if closing has not finished by then. Default 10000. */
  readonly shutdownTimeoutMs?: number;
}

@Module({})
class ServiceRootModule {}

/**
 * Starts one Tideline service: validates its config, then creates the Nest (express) app with `/health`,
 * `/metrics` and the app's module, listens on `http.host:http.port` and logs one start line.
 * On SIGTERM or SIGINT Nest runs every module's destroy and shutdown hooks (consumers, producers, connections),
 * closes the HTTP server and the process exits 0.
 */
export async function bootstrapService(options: BootstrapServiceOptions): Promise<NestExpressApplication> {
  // Config first: a bad value stops the process here, with a message naming the key, before any module starts.
  const config: ServiceConfig = loadConfigOrExit(options.app, options.config);
  secretsOfThisProcess = configSecrets(config, options.config?.env ?? process.env);
  const logger = new ServiceLogger(options.app, {
    secrets: secretsOfThisProcess,
    prefix: 'tideline',
    logLevels: nestLogLevels(config.log.level),
    // Colour codes only help a terminal; in log files (tideline up, containers) they are noise.
    colors: process.stdout.isTTY === true,
  });

  const root: DynamicModule = {
    module: ServiceRootModule,
    imports: [
      ServiceConfigModule.forRoot(options.app, config),
      MetricsModule.forRoot({ service: options.app }),
      HealthModule.forRoot({ service: options.app }),
      options.module,
    ],
  };
  const app = await NestFactory.create<NestExpressApplication>(root, {
    logger,
    // Without this Nest calls process.abort() on a wiring error: a core dump instead of a message.
    abortOnError: false,
    // Keep-alive connections would otherwise hold server.close() open until they idle out.
    forceCloseConnections: true,
  });

  // useProcessExit: Nest's default re-raises the signal after cleanup, so the exit status would be 143, not 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  armShutdownWatchdog(options.shutdownTimeoutMs ?? 10_000, logger);

  // before listen (which registers the routes), so it runs ahead of every route
  app.use(httpAuthMiddleware(config.http));
  await app.listen(config.http.port, config.http.host);
  const dependencies = app.get(HealthChecks).names();
  logger.log(
    `listening on http://${config.http.host}:${config.http.port} (pid ${process.pid}, ` +
      `dependencies: ${dependencies.length > 0 ? dependencies.join(', ') : 'none'}, ${describeHttpAuth(config.http)})`,
  );
  return app;
}

/** The config's secrets, once loaded: a start-up failure's message is printed without them. */
let secretsOfThisProcess: readonly string[] = [];

function describeHttpAuth(http: ServiceConfig['http']): string {
  if (http.auth !== undefined) {
    const kinds = [
      http.auth.token !== undefined ? 'bearer token' : '',
      http.auth.username !== undefined ? 'basic' : '',
    ];
    return `credentials required except on /health: ${kinds.filter(Boolean).join(' or ')}`;
  }
  return isLoopbackHost(http.host) ? 'no credentials: loopback only' : 'no credentials: http.allowUnauthenticated';
}

/** {@link bootstrapService} for a `main.ts`: a start-up failure prints its message and exits 1. */
export function runService(options: BootstrapServiceOptions): void {
  bootstrapService(options).catch((error: unknown) => {
    process.stderr.write(
      `tideline-${options.app}: failed to start: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error), secretsOfThisProcess)}\n`,
    );
    process.exit(1);
  });
}

/** A hook that never returns (a stuck flush, a hung socket) must not leave a half-stopped process behind. */
function armShutdownWatchdog(timeoutMs: number, logger: ServiceLogger): void {
  const arm = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      logger.error(`shutdown after ${signal} did not finish within ${timeoutMs}ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
