import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ServiceName } from '@tideline/config';
import { createKafka } from '@tideline/kafka';
import { type Admin, Kafka } from 'kafkajs';
import { HealthChecks } from '../health/health-checks';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../service.tokens';
import { withTimeout } from '../with-timeout';

/**
 * The `kafka` dependency check: a metadata request (`describeCluster`) on an admin client of its own that does not
 * retry, so `/health` reports a broker outage within the check timeout instead of after kafkajs' retry schedule.
 */
@Injectable()
export class KafkaHealthProbe implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('kafka');
  private readonly admin: Admin;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_NAME) service: ServiceName,
    private readonly health: HealthChecks,
  ) {
    this.admin = createKafka(config.kafka, {
      clientId: `tideline-${service}-health`,
      retry: { retries: 0 },
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    }).admin();
    health.register({ name: 'kafka', check: () => this.admin.describeCluster() });
  }

  /** Says early, in the log, when the broker is not there; the service keeps running and `/health` reports 503. */
  onApplicationBootstrap(): void {
    withTimeout(this.admin.describeCluster(), this.health.timeoutMs).catch((error: unknown) =>
      this.logger.warn(
        `Kafka at ${this.config.kafka.brokers.join(',')} does not answer (${error instanceof Error ? error.message : String(error)}); /health reports 503 until it does`,
      ),
    );
  }

  // A shutdown hook, not a destroy hook: feature modules' consumers and producers stop first (onModuleDestroy).
  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}

/**
 * Kafka for a service: provides the kafkajs `Kafka` client (the class is the token) from the `kafka` config section,
 * for feature modules to create their producers and consumers from, and registers the `kafka` health check.
 * Global: imported once in `AppModule`, injectable in every feature module. Feature modules disconnect what they
 * create in their own `onModuleDestroy`.
 */
@Global()
@Module({
  providers: [
    {
      provide: Kafka,
      inject: [SERVICE_CONFIG, SERVICE_NAME],
      useFactory: (config: ServiceConfig, service: ServiceName) =>
        createKafka(config.kafka, { clientId: `tideline-${service}` }),
    },
    KafkaHealthProbe,
  ],
  exports: [Kafka],
})
export class KafkaConnectionModule {}
