import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InfluxClient } from '@tideline/influx';
import { HealthChecks } from '../health/health-checks';
import { SERVICE_CONFIG, type ServiceConfig } from '../service.tokens';
import { withTimeout } from '../with-timeout';
import { InfluxWriteOutcomes } from './influx-write-outcomes';

/** How a service depends on InfluxDB (see {@link InfluxConnectionModule.forService}). */
export interface InfluxDependency {
  /** The service does its job without InfluxDB (it only records there): an outage makes `/health` degraded, not 503. */
  readonly degradesOnly: boolean;
}

const INFLUX_DEPENDENCY = Symbol('InfluxDependency');

/**
 * The `influx` dependency check (`GET /ping`) and the `influx-writes` check (the service's latest write was taken,
 * see {@link InfluxWriteOutcomes}); both only degrade a service that works without InfluxDB.
 */
@Injectable()
export class InfluxHealthProbe implements OnApplicationBootstrap {
  private readonly logger = new Logger('influx');
  private readonly degradesOnly: boolean;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly client: InfluxClient,
    private readonly health: HealthChecks,
    writes: InfluxWriteOutcomes,
    @Optional() @Inject(INFLUX_DEPENDENCY) dependency?: InfluxDependency,
  ) {
    this.degradesOnly = dependency?.degradesOnly === true;
    health.register({ name: 'influx', degradesOnly: this.degradesOnly, check: () => this.client.ping() });
    health.register({ name: 'influx-writes', degradesOnly: this.degradesOnly, check: async () => writes.check() });
  }

  /** Says early, in the log, when InfluxDB is not there; the service keeps running and `/health` says so. */
  onApplicationBootstrap(): void {
    const consequence = this.degradesOnly ? 'degraded' : '503';
    withTimeout(this.client.ping(), this.health.timeoutMs).catch((error: unknown) =>
      this.logger.warn(
        `InfluxDB at ${this.config.influx.url} does not answer (${error instanceof Error ? error.message : String(error)}); /health reports ${consequence} until it does`,
      ),
    );
  }
}

/**
 * The service's InfluxDB client, from its `influx` config section: address, database, credentials, timeout, and the
 * retention (`influx.retention`) that `ensureDatabase()` applies as the database's default policy when the service
 * creates its database at start. With `writes`, the outcome of every write is reported there.
 */
export function influxClientFor(config: Pick<ServiceConfig, 'influx'>, writes?: InfluxWriteOutcomes): InfluxClient {
  const { url, database, username, password, token, timeoutMs, retention } = config.influx;
  return new InfluxClient(
    { url, database, username, password, token, timeoutMs, retention },
    writes === undefined ? {} : { onWriteOutcome: (outcome) => writes.record(outcome) },
  );
}

/**
 * InfluxDB for a service: provides an `InfluxClient` (the class is the token) for the `influx` config section and
 * registers the `influx` health check. Global: imported once in `AppModule`, injectable in every feature module.
 * The client is plain HTTP (idle keep-alive connections do not hold the process), so there is nothing to close on
 * shutdown.
 */
@Global()
@Module({
  providers: [
    InfluxWriteOutcomes,
    {
      provide: InfluxClient,
      inject: [SERVICE_CONFIG, InfluxWriteOutcomes],
      useFactory: (config: ServiceConfig, writes: InfluxWriteOutcomes) => influxClientFor(config, writes),
    },
    InfluxHealthProbe,
  ],
  exports: [InfluxClient],
})
export class InfluxConnectionModule {
  /** The module for a service that only records to InfluxDB and keeps working without it. */
  static forService(dependency: InfluxDependency): DynamicModule {
    return {
      module: InfluxConnectionModule,
      providers: [{ provide: INFLUX_DEPENDENCY, useValue: dependency }],
    };
  }
}
