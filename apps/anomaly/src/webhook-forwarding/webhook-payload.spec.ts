import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeAlertEvent } from '@tideline/testing';
import { isAlertmanagerApi, webhookPayload } from './webhook-payload';

interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

describe('webhookPayload, format alertmanager', () => {
  const api = 'http://127.0.0.1:9093/api/v2/alerts';

  it("posts Alertmanager's API a list of one alert: a firing alert without endsAt, labelled by series and tags", () => {
    const body = webhookPayload('alertmanager', makeAlertEvent({ startedAt: 1_000 }), 'am', api) as PostableAlert[];
    assert.equal(body.length, 1);
    const [alert] = body;
    assert.equal(alert?.labels['alertname'], 'TidelineAnomaly');
    assert.equal(alert?.labels['severity'], 'critical');
    assert.equal(alert?.labels['tag_region'], 'eu');
    assert.equal(alert?.startsAt, new Date(1_000).toISOString());
    assert.equal('endsAt' in (alert ?? {}), false);
    assert.match(alert?.annotations['summary'] ?? '', /CRITICAL anomaly: cpu\.total on web-1 = 95/);
    assert.equal(alert?.annotations['expected'], '50');
  });

  it('ends the same alert (same labels) at resolvedAt when it resolves', () => {
    const firing = webhookPayload('alertmanager', makeAlertEvent(), 'am', api) as PostableAlert[];
    const resolved = webhookPayload(
      'alertmanager',
      makeAlertEvent({ state: 'resolved', resolvedAt: 5_000 }),
      'am',
      api,
    ) as PostableAlert[];
    assert.deepEqual(resolved[0]?.labels, firing[0]?.labels);
    assert.equal(resolved[0]?.endsAt, new Date(5_000).toISOString());
  });

  it("posts the body of Alertmanager's own webhooks to any other URL", () => {
    const body = webhookPayload('alertmanager', makeAlertEvent(), 'pager', 'https://pager.example/hook') as {
      version: string;
      receiver: string;
    };
    assert.equal(body.version, '4');
    assert.equal(body.receiver, 'pager');
  });

  it('recognises the API path with or without a trailing slash and behind a path prefix, nothing else', () => {
    assert.equal(isAlertmanagerApi('http://am:9093/api/v2/alerts'), true);
    assert.equal(isAlertmanagerApi('https://ops.example/alertmanager/api/v2/alerts/'), true);
    assert.equal(isAlertmanagerApi('http://am:9093/api/v1/alerts'), false);
    assert.equal(isAlertmanagerApi('https://hooks.example/api/v2/alerts-bridge'), false);
    assert.equal(isAlertmanagerApi('not a url'), false);
  });
});
