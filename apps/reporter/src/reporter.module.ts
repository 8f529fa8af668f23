import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ReporterConfig } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import { SERVICE_CONFIG } from '@tideline/service';
import { createReporter } from './reporter.factory';
import { REPORTER, type Reporter } from './reporter.tokens';
import { FaviconController, ReportsController } from './reports/reports.controller';

/** Starts the schedule (with its one catch-up) and the delivery loop; stops both on shutdown. */
@Injectable()
export class ReporterLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reporter');
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(REPORTER) private readonly reporter: Reporter) {}

  onApplicationBootstrap(): void {
    const { settings } = this.reporter;
    if (settings.schedule.enabled) {
      this.reporter.scheduler.start();
      this.logger.log(
        `weekly report on "${settings.schedule.cron}" (${settings.schedule.timezone}); next ${this.reporter.scheduler.nextRun()?.toISOString() ?? 'never'}; ` +
          `reports in ${this.reporter.dataDir}, mail via ${this.reporter.transport.description}`,
      );
    }
    // Pending deliveries (also those left by a previous run) are retried when due.
    const tick = (): void => {
      this.reporter.delivery
        .nextDueAt()
        .then((due) => (due !== undefined && due <= Date.now() ? this.reporter.delivery.deliverDue() : undefined))
        .catch((error: unknown) => this.logger.warn(`delivery pass failed: ${String(error)}`));
    };
    tick();
    this.timer = setInterval(tick, Math.min(5_000, settings.delivery.initialDelayMs));
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.reporter.close();
    await this.reporter.scheduler.idle();
  }
}

/** The weekly report: schedule, build, save, deliver, and `GET /reports`. */
@Module({
  controllers: [ReportsController, FaviconController],
  providers: [
    {
      provide: REPORTER,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ReporterConfig) => {
        const logger = new Logger('reporter');
        // Its own client: the report's queries run for minutes, far beyond the shared client's timeout.
        const influx = new InfluxClient({ ...config.influx, timeoutMs: config.reporter.queryTimeoutMs });
        return createReporter(config.reporter, influx, config.influx.database, { log: (m) => logger.log(m) });
      },
    },
    ReporterLifecycle,
  ],
  exports: [REPORTER],
})
export class ReporterModule {}
