import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import { Kafka, logLevel } from 'kafkajs';
import { parseMetricEvent, seriesKey, type MetricEvent } from '@tideline/contracts';
import { expectEventually, stackFromEnv, uniqueGroup, uniqueTopic } from '@tideline/testing';
import {
  startTidelineMetrics,
  tidelineExpress,
  TidelineMetricsInterceptor,
  timeAsync,
  type TidelineMetrics,
} from './index';

@Controller('orders')
class OrdersController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

const { kafkaBrokers: brokers } = stackFromEnv();

/** Waits until `fn` returns something. */
function waitFor<T>(what: string, fn: () => T | undefined): Promise<T> {
  return expectEventually(
    () => {
      const value = fn();
      if (value === undefined) throw new Error(`no ${what} yet`);
      return value;
    },
    { timeoutMs: 30_000, message: what },
  );
}

describe('SDK against a real Kafka: instrumented Express and NestJS apps', { timeout: 120_000 }, () => {
  const topic = uniqueTopic('sdk-express');
  const kafka = new Kafka({ clientId: 'sdk-int-spec', brokers, logLevel: logLevel.NOTHING });
  const received: { key: string; event: MetricEvent }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueGroup('sdk-express'), maxWaitTimeInMs: 200 });
  let tideline: TidelineMetrics;
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let baseUrl: string;

  before(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    tideline = startTidelineMetrics({
      service: 'orders-api',
      version: '2.0.1',
      brokers,
      topic,
      host: 'sdk-test-host',
      exportIntervalMs: 60_000, // the test flushes explicitly
    });

    const app = express();
    app.use(tidelineExpress());
    app.get('/users/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.post('/orders', async (_req, res) => {
      await timeAsync('orders.create', async () => new Promise((resolve) => setTimeout(resolve, 5)));
      res.status(201).json({ created: true });
    });
    app.get('/fail', () => {
      throw new Error('boom');
    });
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: 'internal' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          key: message.key?.toString() ?? '',
          event: parseMetricEvent(JSON.parse(message.value?.toString() ?? 'null')),
        });
      },
    });
  });

  after(async () => {
    await consumer.disconnect();
    server.close();
    await tideline.shutdown();
  });

  it('publishes per-route latency series (route template, status, service, version) to the metrics topic', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await fetch(`${baseUrl}/users/${i}`)).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${baseUrl}/orders`, { method: 'POST' })).status, 201);
    assert.equal((await fetch(`${baseUrl}/fail`)).status, 500);
    assert.equal((await fetch(`${baseUrl}/no/such/route`)).status, 404);
    assert.equal(await tideline.flush(), true, 'everything acknowledged by Kafka');

    const find = (metric: string, tags: Record<string, string>) =>
      received.find(
        ({ event }) =>
          event.metric === metric && Object.entries(tags).every(([key, value]) => event.tags[key] === value),
      );
    const users = await waitFor('GET /users/:id p95', () =>
      find('http.server.duration.p95', { route: '/users/:id', method: 'GET', status: '200' }),
    );
    assert.equal(users.event.host, 'sdk-test-host');
    assert.equal(users.event.tags['service'], 'orders-api');
    assert.equal(users.event.tags['version'], '2.0.1');
    assert.equal(users.event.source, 'sdk');
    assert.equal(users.event.unit, 'ms');
    assert.ok(users.event.value > 0 && users.event.value < 5000, `p95 ${users.event.value} ms`);
    assert.equal(users.key, seriesKey(users.event), 'keyed by series');

    const count = await waitFor('GET /users/:id count', () =>
      find('http.server.duration.count', { route: '/users/:id', status: '200' }),
    );
    assert.equal(count.event.value, 20);
    await waitFor('POST /orders 201', () => find('http.server.duration.p50', { route: '/orders', status: '201' }));
    await waitFor('GET /fail 500', () => find('http.server.duration.max', { route: '/fail', status: '500' }));
    await waitFor('unmatched 404', () => find('http.server.duration.count', { route: 'unmatched', status: '404' }));
    const timed = await waitFor('timeAsync p99', () => find('orders.create.p99', { outcome: 'ok' }));
    assert.ok(timed.event.value >= 4, `orders.create p99 ${timed.event.value} ms`);
    await waitFor('event-loop lag', () => find('nodejs.eventloop.lag.p99', { service: 'orders-api' }));
    await waitFor('heap', () => find('nodejs.heap.used', {}));

    assert.ok(
      received.every(({ event }) => !event.tags['route']?.match(/\/users\/\d/)),
      'no raw URL ever becomes a route tag',
    );
    assert.equal(tideline.stats().dropped, 0);
  });
  it('records per-route latency for a NestJS app through the interceptor (template with the global prefix)', async () => {
    const app = await NestFactory.create(OrdersModule, { logger: false });
    app.setGlobalPrefix('api');
    app.useGlobalInterceptors(new TidelineMetricsInterceptor());
    await app.listen(0, '127.0.0.1');
    try {
      const url = await app.getUrl();
      for (let i = 0; i < 5; i++) assert.equal((await fetch(`${url}/api/orders/${i}`)).status, 200);
      assert.equal((await fetch(`${url}/api/orders/missing`)).status, 404);
      assert.equal(await tideline.flush(), true);
    } finally {
      await app.close();
    }
    const find = (status: string) =>
      received.find(
        ({ event }) =>
          event.metric === 'http.server.duration.count' &&
          event.tags['route'] === '/api/orders/:id' &&
          event.tags['status'] === status,
      );
    const ok = await waitFor('Nest GET /api/orders/:id 200', () => find('200'));
    assert.equal(ok.event.value, 5);
    assert.equal(ok.event.tags['service'], 'orders-api');
    await waitFor('Nest 404 from the exception filter', () => find('404'));
  });
});
