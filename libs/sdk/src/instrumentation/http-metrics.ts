import { metrics, type Meter } from '@opentelemetry/api';
import { HTTP_METRIC_NAMES } from '@tideline/contracts';
import { durationHistogram, SDK_METER_NAME } from './time-async';

/** The histogram HTTP helpers record on (milliseconds; attributes `method`, `route`, `status`), from libs/contracts. */
export const HTTP_SERVER_DURATION = HTTP_METRIC_NAMES.serverDuration;

/** The `route` of a request that matched no route: never the raw URL, whose ids would make a series per request. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The parts of an Express (or Nest-on-Express) request the helpers read. */
export interface HttpRequestLike {
  readonly method?: string;
  readonly baseUrl?: string;
  readonly route?: { readonly path?: unknown };
}

/** The parts of a Node HTTP response the helpers read. */
export interface HttpResponseLike {
  readonly statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

export interface HttpMetricsOptions {
  /** Meter to record on; default the global meter provider's `@tideline/sdk` meter. */
  readonly meter?: Meter;
  /** The route template of a request; default {@link routeTemplate}. */
  readonly routeOf?: (request: HttpRequestLike) => string;
}

/**
 * The route template of an Express request: the mount path plus the matched route's pattern (`/users/:id`), or
 * {@link UNMATCHED_ROUTE}. Express keeps the *pattern* only for the final route: a router mounted on a path with
 * parameters (`app.use('/orgs/:org', router)`) contributes the matched text (`/orgs/42`), so mount routers on literal
 * paths, or pass `routeOf`.
 */
export function routeTemplate(request: HttpRequestLike): string {
  const path = request.route?.path;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  const base = request.baseUrl ?? '';
  const joined = `${base}${path}`;
  return joined === '' ? '/' : joined;
}

/**
 * Records one request on {@link HTTP_SERVER_DURATION} when its response has been sent (or the connection closed),
 * so the status is what the client saw, including errors turned into responses by error handlers or filters.
 * The route is read at that moment, after routing.
 */
export function observeHttpRequest(
  request: HttpRequestLike,
  response: HttpResponseLike,
  options: HttpMetricsOptions = {},
): void {
  const started = performance.now();
  const histogram = durationHistogram(HTTP_SERVER_DURATION, options.meter ?? metrics.getMeter(SDK_METER_NAME));
  const routeOf = options.routeOf ?? routeTemplate;
  let done = false;
  const record = (): void => {
    if (done) return;
    done = true;
    histogram.record(performance.now() - started, {
      method: request.method ?? 'UNKNOWN',
      route: routeOf(request),
      status: String(response.statusCode),
    });
  };
  response.once('finish', record);
  response.once('close', record);
}
