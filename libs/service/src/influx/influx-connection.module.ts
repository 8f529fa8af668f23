import { Global, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { InfluxClient } from '@tideline/influx';
import { HealthChecks } from '../health/health-checks';
import { SERVICE_CONFIG, type ServiceConfig } from '../service.tokens';
import { withTimeout } from '../with-timeout';

/** The `influx` dependency check: `GET /ping`. */
@Injectable()
export class InfluxHealthProbe implements OnApplicationBootstrap {
  private readonly logger = new Logger('influx');

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly client: InfluxClient,
    private readonly health: HealthChecks,
  ) {
    health.register({ name: 'influx', check: () => this.client.ping() });
  }

  /** Says early, in the log, when InfluxDB is not there; the service keeps running and `/health` reports 503. */
  onApplicationBootstrap(): void {
    withTimeout(this.client.ping(), this.health.timeoutMs).catch((error: unknown) =>
      this.logger.warn(
        `InfluxDB at ${this.config.influx.url} does not answer (${error instanceof Error ? error.message : String(error)}); /health reports 503 until it does`,
      ),
    );
  }
}

/**
 * The service's InfluxDB client, from its `influx` config section: address, database, credentials, timeout, and the
 * retention (`influx.retention`) that `ensureDatabase()` applies as the database's default policy when the service
 * creates its database at start.
 */
export function influxClientFor(config: Pick<ServiceConfig, 'influx'>): InfluxClient {
  const { url, database, username, password, token, timeoutMs, retention } = config.influx;
  return new InfluxClient({ url, database, username, password, token, timeoutMs, retention });
}

/**
 * InfluxDB for a service: provides an `InfluxClient` (the class is the token) for the `influx` config section and
 * registers the `influx` health check. Global: imported once in `AppModule`, injectable in every feature module.
 * The client is plain HTTP (fetch), so there is nothing to close on shutdown.
 */
@Global()
@Module({
  providers: [
    {
      provide: InfluxClient,
      inject: [SERVICE_CONFIG],
      useFactory: influxClientFor,
    },
    InfluxHealthProbe,
  ],
  exports: [InfluxClient],
})
export class InfluxConnectionModule {}
