import type { AppConfig, ServiceName } from '@tideline/config';

/** The validated config of the running service (`AppConfig<'collector'>` etc.); every service has kafka, influx, http, log. */
export type ServiceConfig = AppConfig<ServiceName>;

/** Injection token of the service's validated config. Inject it typed as your app's config: `@Inject(SERVICE_CONFIG) config: CollectorConfig`. */
export const SERVICE_CONFIG = Symbol('tideline.service.config');

/** Injection token of the service's name (`'collector'`, `'baseline'`, ...). */
export const SERVICE_NAME = Symbol('tideline.service.name');
