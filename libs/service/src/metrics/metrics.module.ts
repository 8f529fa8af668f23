import { type DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';

export interface MetricsModuleOptions {
  /** Added as the `service` label of every metric. */
  readonly service: string;
}

/**
 * `GET /metrics`. Global: inject the prom-client `Registry` (the class is the token) and register counters in it,
 * e.g. `new Counter({ name: 'tideline_events_total', help: '…', registers: [registry] })`.
 * A registry of our own rather than prom-client's global one, so two apps in one test process never share metrics.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        {
          provide: Registry,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ service: options.service });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
      ],
      exports: [Registry],
    };
  }
}
