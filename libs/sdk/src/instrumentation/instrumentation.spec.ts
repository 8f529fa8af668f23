import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ExponentialHistogram,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import { tidelineExpress } from './express-middleware';
import { HTTP_SERVER_DURATION, routeTemplate, UNMATCHED_ROUTE } from './http-metrics';
import { TidelineMetricsInterceptor } from './nest-interceptor';
import { registerRuntimeMetrics, RUNTIME_METRICS } from './runtime-metrics';
import { timeAsync } from './time-async';

function testMeter() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const provider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
  return {
    meter: provider.getMeter('test'),
    /** Every data point of `name` as [attributes, count] (histograms) or [attributes, value] (gauges). */
    async points(name: string): Promise<Array<[Record<string, unknown>, number]>> {
      await provider.forceFlush();
      const metric = exporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.flatMap((scope) => scope.metrics)
        .find((m) => m.descriptor.name === name);
      if (!metric) return [];
      return metric.dataPoints.map((point) => [
        { ...point.attributes },
        metric.dataPointType === DataPointType.HISTOGRAM || metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM
          ? (point.value as Histogram | ExponentialHistogram).count
          : (point.value as number),
      ]);
    },
    shutdown: () => provider.shutdown(),
  };
}

class FakeResponse extends EventEmitter {
  statusCode = 200;
}

describe('routeTemplate', () => {
  it('joins the mount path and the matched route pattern', () => {
    assert.equal(routeTemplate({ baseUrl: '/api', route: { path: '/users/:id' } }), '/api/users/:id');
    assert.equal(routeTemplate({ route: { path: '/' } }), '/');
  });

  it(`is "${UNMATCHED_ROUTE}" when no route matched, never the raw URL`, () => {
    assert.equal(routeTemplate({ baseUrl: '', route: undefined }), UNMATCHED_ROUTE);
    assert.equal(routeTemplate({ route: { path: /regex/ } }), UNMATCHED_ROUTE);
  });
});

describe('tidelineExpress', () => {
  it('records one duration per request when the response finishes, with method, route template and status', async () => {
    const { meter, points, shutdown } = testMeter();
    const middleware = tidelineExpress({ meter });
    const request: { method: string; baseUrl: string; route?: { path: string } } = { method: 'GET', baseUrl: '' };
    const response = new FakeResponse();
    let nextCalled = false;
    middleware(request, response, () => {
      nextCalled = true;
    });
    assert.equal(nextCalled, true);
    request.route = { path: '/users/:id' }; // set by the router after the middleware ran
    response.statusCode = 404;
    response.emit('finish');
    response.emit('close');
    assert.deepEqual(await points(HTTP_SERVER_DURATION), [[{ method: 'GET', route: '/users/:id', status: '404' }, 1]]);
    await shutdown();
  });
});

describe('TidelineMetricsInterceptor', () => {
  it('observes HTTP contexts and passes the handler result through unchanged', async () => {
    const { meter, points, shutdown } = testMeter();
    const interceptor = new TidelineMetricsInterceptor({ meter });
    const request = { method: 'POST', route: { path: '/orders' } };
    const response = new FakeResponse();
    const result = { pipe: () => 'observable' };
    const context = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
    };
    assert.equal(interceptor.intercept(context, { handle: () => result }), result);
    response.statusCode = 201;
    response.emit('finish');
    assert.deepEqual(await points(HTTP_SERVER_DURATION), [[{ method: 'POST', route: '/orders', status: '201' }, 1]]);
    await shutdown();
  });

  it('ignores non-HTTP contexts', async () => {
    const { meter, points, shutdown } = testMeter();
    const interceptor = new TidelineMetricsInterceptor({ meter });
    const context = {
      getType: () => 'rpc',
      switchToHttp: () => {
        throw new Error('must not be called');
      },
    };
    assert.equal(interceptor.intercept(context, { handle: () => 'x' }), 'x');
    assert.deepEqual(await points(HTTP_SERVER_DURATION), []);
    await shutdown();
  });
});

describe('timeAsync', () => {
  it('records the duration with outcome ok, and returns the result', async () => {
    const { meter, points, shutdown } = testMeter();
    assert.equal(await timeAsync('job', async () => 7, { queue: 'a' }, meter), 7);
    assert.deepEqual(await points('job'), [[{ queue: 'a', outcome: 'ok' }, 1]]);
    await shutdown();
  });

  it('records the duration with outcome error, and rethrows the same error', async () => {
    const { meter, points, shutdown } = testMeter();
    const failure = new Error('nope');
    await assert.rejects(
      timeAsync(
        'job',
        async () => {
          throw failure;
        },
        {},
        meter,
      ),
      (error) => error === failure,
    );
    assert.deepEqual(await points('job'), [[{ outcome: 'error' }, 1]]);
    await shutdown();
  });
});

describe('registerRuntimeMetrics', () => {
  it('observes event-loop lag, heap, RSS and CPU with plausible values', async () => {
    const { meter, points, shutdown } = testMeter();
    const stop = registerRuntimeMetrics(meter);
    const until = performance.now() + 60;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // the lag monitor resets at each collection: read it from the first one
    const [[, lag] = [{}, NaN]] = await points(RUNTIME_METRICS.eventLoopLagMax);
    const [[, heapUsed] = [{}, NaN]] = await points(RUNTIME_METRICS.heapUsed);
    const [[, rss] = [{}, NaN]] = await points(RUNTIME_METRICS.rss);
    const [[, cpu] = [{}, NaN]] = await points(RUNTIME_METRICS.cpu);
    assert.ok(heapUsed > 1e6 && heapUsed < rss, `heap ${heapUsed} rss ${rss}`);
    assert.ok(cpu >= 0 && cpu <= 100 * 64, `cpu ${cpu}`);
    assert.ok(lag >= 0, `lag ${lag}`);
    stop();
    await shutdown();
  });
});
