import { formatAlertNumber as num, type AlertEvent } from '@tideline/contracts';

/** One human-readable line per alert transition. */
export function formatAlertLine(alert: AlertEvent): string {
  const when = new Date(
    alert.state === 'resolved' ? (alert.resolvedAt ?? alert.updatedAt) : alert.updatedAt,
  ).toISOString();
  const tags = Object.entries(alert.tags)
    .map(([k, v]) => ` ${k}=${v}`)
    .join('');
  return (
    `${when}  ${alert.state === 'firing' ? 'FIRING  ' : 'RESOLVED'}  ${alert.severity.padEnd(8)}  ${alert.metric} host=${alert.host}${tags}  ` +
    `value ${num(alert.value)} expected ${num(alert.expected)} [${num(alert.lower)} .. ${num(alert.upper)}]  ` +
    `score ${alert.score.toFixed(4)}  since ${new Date(alert.startedAt).toISOString()}  id ${alert.id}` +
    (alert.explanation === undefined ? '' : `  (${alert.explanation})`)
  );
}
