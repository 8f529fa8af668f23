import { type DynamicModule, Module } from '@nestjs/common';
import type { ServiceName } from '@tideline/config';
import { SERVICE_CONFIG, SERVICE_NAME, type ServiceConfig } from '../service.tokens';

/** Provides the already-validated config and the service name to every module (global). */
@Module({})
export class ServiceConfigModule {
  static forRoot(service: ServiceName, config: ServiceConfig): DynamicModule {
    return {
      module: ServiceConfigModule,
      global: true,
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: SERVICE_CONFIG, useValue: config },
      ],
      exports: [SERVICE_NAME, SERVICE_CONFIG],
    };
  }
}
