import { Module } from '@nestjs/common';
import { InfluxConnectionModule, KafkaConnectionModule } from '@tideline/service';
import { DashboardModule } from './dashboard/dashboard.module';
import { ReporterModule } from './reporter.module';

/**
 * The reporter service: reads alerts and history and turns them into reports and notifications.
 * /health, /metrics, config and shutdown come from @tideline/service; add each feature module to `imports`.
 */
@Module({
  imports: [InfluxConnectionModule, KafkaConnectionModule, ReporterModule, DashboardModule],
})
export class AppModule {}
