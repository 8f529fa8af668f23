import { formatAlertNumber as fmt, type AlertEvent } from '@tideline/contracts';

export type WebhookFormat = 'generic' | 'slack' | 'alertmanager';

/**
 * The body posted for one alert, in the receiver's format. Format `alertmanager` has two receivers: Alertmanager itself
 * (a URL whose path ends in {@link ALERTMANAGER_API_PATH}: its API's list of alerts) and anything written for
 * Alertmanager's webhooks (any other URL: the body Alertmanager would post to it).
 */
export function webhookPayload(format: WebhookFormat, alert: AlertEvent, receiver: string, url = ''): unknown {
  switch (format) {
    case 'generic':
      return genericPayload(alert);
    case 'slack':
      return slackPayload(alert);
    case 'alertmanager':
      return isAlertmanagerApi(url) ? alertmanagerApiPayload(alert) : alertmanagerPayload(alert, receiver);
  }
}

/** The path of Alertmanager's API that takes alerts from clients (Prometheus posts there too). */
export const ALERTMANAGER_API_PATH = '/api/v2/alerts';

/** Whether a webhook URL is Alertmanager's alerts API rather than a receiver of Alertmanager's webhooks. */
export function isAlertmanagerApi(url: string): boolean {
  try {
    return new URL(url).pathname.replace(/\/+$/, '').endsWith(ALERTMANAGER_API_PATH);
  } catch {
    return false;
  }
}

/** The alert event itself (contracts' `tideline.alert/1` schema), wrapped so the body can grow without breaking. */
export function genericPayload(alert: AlertEvent): { type: 'tideline.alert'; alert: AlertEvent } {
  return { type: 'tideline.alert', alert };
}

/** One-line summary used by the Slack format and the `tideline alerts` command. */
export function alertSummary(alert: AlertEvent): string {
  const what = alert.state === 'firing' ? `${alert.severity.toUpperCase()} anomaly` : 'RESOLVED';
  const band = `expected ${fmt(alert.expected)} (band ${fmt(alert.lower)} .. ${fmt(alert.upper)})`;
  const summary = `${what}: ${alert.metric} on ${alert.host} = ${fmt(alert.value)}, ${band}, score ${alert.score.toFixed(4)}`;
  return alert.explanation === undefined ? summary : `${summary}. ${alert.explanation}`;
}

/**
 * A Slack incoming-webhook message (`text` plus Block Kit blocks; also accepted by Mattermost and Rocket.Chat, which
 * read `text`).
 */
export function slackPayload(alert: AlertEvent): unknown {
  const emoji =
    alert.state === 'resolved'
      ? ':white_check_mark:'
      : alert.severity === 'critical'
        ? ':rotating_light:'
        : ':warning:';
  const text = `${emoji} ${alertSummary(alert)}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text:
              `series \`${alert.series}\` · detector ${alert.detector} · started ${new Date(alert.startedAt).toISOString()}` +
              (alert.resolvedAt === undefined ? '' : ` · resolved ${new Date(alert.resolvedAt).toISOString()}`) +
              ` · id ${alert.id}`,
          },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `InfluxQL: \`${alert.influxql}\`` } },
    ],
  };
}

/** Alertmanager's "zero time", which its webhook payload uses for `endsAt` of an alert still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The labels Alertmanager groups, routes and silences Tideline's alerts by; tags become `tag_<name>`. */
function alertmanagerLabels(alert: AlertEvent): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: 'TidelineAnomaly',
    severity: alert.severity,
    series: alert.series,
    host: alert.host,
    metric: alert.metric,
    detector: alert.detector,
  };
  for (const [key, value] of Object.entries(alert.tags)) labels[`tag_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`] = value;
  return labels;
}

/** What Alertmanager shows with an alert: the one-line summary, the explanation, the numbers and the InfluxQL query. */
function alertmanagerAnnotations(alert: AlertEvent): Record<string, string> {
  return {
    summary: alertSummary(alert),
    ...(alert.explanation === undefined ? {} : { description: alert.explanation }),
    value: String(alert.value),
    expected: String(alert.expected),
    lower: String(alert.lower),
    upper: String(alert.upper),
    score: String(alert.score),
    influxql: alert.influxql,
  };
}

/**
 * The body of `POST /api/v2/alerts` (Alertmanager's postableAlerts): a list with the one alert. A firing alert has no
 * `endsAt`, so Alertmanager keeps it for its `resolve_timeout` (default 5 m) after the post, so the forwarder posts
 * the alerts still firing again every `resendIntervalMs` (as Prometheus does). The resolve carries `endsAt`, which
 * ends it at once. The labels are the alert's identity in Alertmanager: the resolve has the same ones as the firing.
 */
export function alertmanagerApiPayload(alert: AlertEvent): unknown {
  return [
    {
      labels: alertmanagerLabels(alert),
      annotations: alertmanagerAnnotations(alert),
      startsAt: new Date(alert.startedAt).toISOString(),
      ...(alert.state === 'resolved' ? { endsAt: new Date(alert.resolvedAt ?? alert.updatedAt).toISOString() } : {}),
    },
  ];
}

/**
 * The body Alertmanager posts to webhook receivers (`version: "4"`), with one alert, so receivers written for
 * Alertmanager (chat bridges, paging integrations) take Tideline's alerts as they are.
 */
export function alertmanagerPayload(alert: AlertEvent, receiver: string): unknown {
  const labels = alertmanagerLabels(alert);
  const annotations = alertmanagerAnnotations(alert);
  return {
    version: '4',
    groupKey: `{}:{series="${alert.series}"}`,
    truncatedAlerts: 0,
    status: alert.state,
    receiver,
    groupLabels: { series: alert.series },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: '',
    alerts: [
      {
        status: alert.state,
        labels,
        annotations,
        startsAt: new Date(alert.startedAt).toISOString(),
        endsAt: alert.state === 'resolved' ? new Date(alert.resolvedAt ?? alert.updatedAt).toISOString() : ZERO_TIME,
        generatorURL: '',
        fingerprint: alert.id.slice(0, 16),
      },
    ],
  };
}
