import {
  observeHttpRequest,
  type HttpMetricsOptions,
  type HttpRequestLike,
  type HttpResponseLike,
} from './http-metrics';

/**
 * Express middleware recording latency and status per route template on `http.server.duration` (ms, attributes
 * `method`, `route`, `status`). Register it before the routes: `app.use(tidelineExpress())`.
 *
 * @example
 * const app = express();
 * app.use(tidelineExpress());
 * app.get('/users/:id', handler); // recorded as route "/users/:id", not "/users/42"
 */
export function tidelineExpress(
  options: HttpMetricsOptions = {},
): (request: HttpRequestLike, response: HttpResponseLike, next: () => void) => void {
  return (request, response, next) => {
    observeHttpRequest(request, response, options);
    next();
  };
}
