import { Module } from '@nestjs/common';
import type { ReporterConfig } from '@tideline/config';
import { InfluxClient } from '@tideline/influx';
import { SERVICE_CONFIG } from '@tideline/service';
import { DASHBOARD_STORE, DashboardController } from './dashboard.controller';
import { DashboardQueryStore } from './dashboard.store';

/** The live dashboard at `/`, read from InfluxDB on each request (no cache: a page is a handful of small queries). */
@Module({
  controllers: [DashboardController],
  providers: [
    {
      provide: DASHBOARD_STORE,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ReporterConfig) =>
        new DashboardQueryStore(new InfluxClient(config.influx), config.influx.database, config.reporter.limits),
    },
  ],
})
export class DashboardModule {}
