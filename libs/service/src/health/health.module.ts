import { type DynamicModule, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HealthChecks } from './health-checks';
import { HealthController } from './health.controller';

export interface HealthModuleOptions {
  readonly service: string;
  /** Per-check timeout in milliseconds; default 3000. */
  readonly timeoutMs?: number;
}

/**
 * `GET /health` and `GET /health/live`. Global, so any module can inject {@link HealthChecks} and register a
 * dependency. Needs the prom-client `Registry` provider of {@link MetricsModule}.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [
        {
          provide: HealthChecks,
          inject: [Registry],
          useFactory: (registry: Registry) => new HealthChecks({ ...options, registry }),
        },
      ],
      exports: [HealthChecks],
    };
  }
}
