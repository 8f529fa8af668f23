import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { makeAlertEvent } from '@tideline/testing';
import { webhookSchema } from '@tideline/config';
import { WebhookSender } from './webhook.sender';
import { WEBHOOK_HEADERS, verifyWebhook } from './webhook-signature';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

describe('WebhookSender', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];
  let answers: number[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => server.close());

  const sender = (overrides: Record<string, unknown> = {}) =>
    new WebhookSender(webhookSchema.parse({ name: 'test', url, secret: 's3cret', maxRetries: 3, ...overrides }), {
      sleep: async () => undefined,
      now: () => 1_700_000_000_000,
    });

  it('signs the body with HMAC-SHA256 over "<timestamp>.<body>" and sends the alert id and state', async () => {
    received.length = 0;
    const alert = makeAlertEvent();
    const result = await sender().deliver(alert);
    assert.deepEqual(result, { status: 200, attempts: 1 });
    const [request] = received;
    assert.ok(request);
    assert.equal(request.headers[WEBHOOK_HEADERS.timestamp], '1700000000');
    const signature = String(request.headers[WEBHOOK_HEADERS.signature]);
    assert.match(signature, /^sha256=[0-9a-f]{64}$/);
    assert.ok(verifyWebhook('s3cret', 1_700_000_000, request.body, signature));
    assert.equal(verifyWebhook('other', 1_700_000_000, request.body, signature), false);
    assert.equal(request.headers[WEBHOOK_HEADERS.alertId], alert.id);
    assert.equal(request.headers[WEBHOOK_HEADERS.alertState], 'firing');
    assert.deepEqual(JSON.parse(request.body), { type: 'tideline.alert', alert });
  });

  it('retries 5xx and 429 answers, then succeeds', async () => {
    received.length = 0;
    answers = [503, 429, 200];
    const result = await sender().deliver(makeAlertEvent());
    assert.deepEqual(result, { status: 200, attempts: 3 });
    assert.equal(received.length, 3);
  });

  it('does not retry a 4xx answer (the receiver refuses the request itself)', async () => {
    received.length = 0;
    answers = [400];
    await assert.rejects(sender().deliver(makeAlertEvent()), /answered 400/);
    assert.equal(received.length, 1);
  });

  it('gives up after maxRetries', async () => {
    received.length = 0;
    answers = [500, 500, 500];
    await assert.rejects(sender({ maxRetries: 2 }).deliver(makeAlertEvent()), /gave up after 3 attempts/);
    assert.equal(received.length, 3);
  });

  it('posts a Slack message and an Alertmanager webhook body in those formats', async () => {
    received.length = 0;
    answers = [];
    await sender({ format: 'slack' }).deliver(makeAlertEvent());
    await sender({ format: 'alertmanager' }).deliver(makeAlertEvent({ state: 'resolved', resolvedAt: 5 }));
    const slack = JSON.parse(received[0]!.body) as { text: string; blocks: unknown[] };
    assert.match(slack.text, /CRITICAL anomaly: cpu\.total on web-1 = 95/);
    assert.ok(slack.blocks.length > 0);
    const am = JSON.parse(received[1]!.body) as {
      version: string;
      status: string;
      alerts: { status: string; labels: Record<string, string>; endsAt: string }[];
    };
    assert.equal(am.version, '4');
    assert.equal(am.status, 'resolved');
    assert.equal(am.alerts[0]?.labels['alertname'], 'TidelineAnomaly');
    assert.equal(am.alerts[0]?.labels['tag_region'], 'eu');
    assert.equal(am.alerts[0]?.endsAt, new Date(5).toISOString());
  });

  it('sends requests without a signature only when the webhook is configured unsigned: true', async () => {
    received.length = 0;
    const result = await sender({ secret: undefined, unsigned: true }).deliver(makeAlertEvent());
    assert.equal(result.status, 200);
    assert.equal(received[0]?.headers[WEBHOOK_HEADERS.signature], undefined);
    assert.equal(received[0]?.headers[WEBHOOK_HEADERS.timestamp], undefined);
    assert.throws(() => webhookSchema.parse({ name: 'x', url }), /secretEnv, or set unsigned: true/);
  });

  it('refuses a secretEnv naming a variable that is not set', () => {
    assert.throws(
      () => new WebhookSender(webhookSchema.parse({ name: 'x', url, secretEnv: 'NOPE_NOT_SET' }), { env: {} }),
      /NOPE_NOT_SET/,
    );
  });
});
