import {
  observeHttpRequest,
  type HttpMetricsOptions,
  type HttpRequestLike,
  type HttpResponseLike,
} from './http-metrics';

/** The parts of Nest's `ExecutionContext` the interceptor reads (structural: the SDK does not depend on Nest). */
export interface ExecutionContextLike {
  getType(): string;
  switchToHttp(): { getRequest(): unknown; getResponse(): unknown };
}

/** The parts of Nest's `CallHandler` the interceptor uses. */
export interface CallHandlerLike<T> {
  handle(): T;
}

/**
 * A NestJS interceptor (Express platform) recording latency and status per route template on
 * `http.server.duration`, exactly like {@link tidelineExpress}. It measures until the response is sent, so statuses
 * set by exception filters are the ones recorded. Non-HTTP contexts (microservices, websockets) pass through.
 *
 * @example
 * app.useGlobalInterceptors(new TidelineMetricsInterceptor());
 * // or, in a module: providers: [{ provide: APP_INTERCEPTOR, useValue: new TidelineMetricsInterceptor() }]
 */
export class TidelineMetricsInterceptor {
  constructor(private readonly options: HttpMetricsOptions = {}) {}

  intercept<T>(context: ExecutionContextLike, next: CallHandlerLike<T>): T {
    if (context.getType() === 'http') {
      const http = context.switchToHttp();
      observeHttpRequest(http.getRequest() as HttpRequestLike, http.getResponse() as HttpResponseLike, this.options);
    }
    return next.handle();
  }
}
