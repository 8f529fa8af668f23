/**
 * The stable identity of a series: metric, host and tags in sorted order. Used as the Kafka key (a series stays on
 * one partition) and as the `series` tag in InfluxDB.
 *
 * @example seriesKey({ metric: 'cpu.total', host: 'web-1', tags: { core: '0' } }) // 'cpu.total|host=web-1|core=0'
 */
export function seriesKey(event: { metric: string; host: string; tags?: Readonly<Record<string, string>> }): string {
  const tags = event.tags ?? {};
  const parts = Object.keys(tags)
    .sort()
    .map((key) => `${key}=${tags[key]}`);
  return [event.metric, `host=${event.host}`, ...parts].join('|');
}
