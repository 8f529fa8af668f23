import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import type { HealthReport } from './dependency-check';
import { HealthChecks } from './health-checks';

@Controller('health')
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  /**
   * Readiness (`/health/ready`, and `/health`, kept for compatibility): 200 when every check of what the service
   * needs passes (`ok`, or `degraded` naming those it can do without), else 503 with the same report naming what
   * failed: a dependency that does not answer, a consumer that is starting, crashed or stalled, InfluxDB refusing
   * writes.
   */
  @Get()
  async health(): Promise<HealthReport> {
    return this.ready();
  }

  @Get('ready')
  async ready(): Promise<HealthReport> {
    const report = await this.checks.run();
    if (report.status === 'unavailable') throw new ServiceUnavailableException(report);
    return report;
  }

  /** Liveness: the process serves HTTP. Never looks at dependencies, so an outage does not get the process restarted. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
