/** What names a series: metric, host and tags. */
export interface SeriesIdentity {
  readonly metric: string;
  readonly host: string;
  readonly tags?: Readonly<Record<string, string>>;
}

const SEPARATOR = '|';
const ASSIGN = '=';
/**
 * The characters that structure a key, percent-encoded when they are part of a name (`%25`, `%7C`, `%3D`). Not with a
 * backslash: the key is also an InfluxDB tag value, where a backslash before `=` cannot be written exactly.
 */
const SPECIAL = /[%|=]/g;
const ENCODED: Readonly<Record<string, string>> = { '%': '%25', '|': '%7C', '=': '%3D' };
const DECODED: Readonly<Record<string, string>> = { '%25': '%', '%7C': '|', '%3D': '=' };

/**
 * The stable identity of a series: metric, host and tags in sorted order (UTF-16 code unit order). Used as the Kafka
 * key (a series stays on one partition) and as the `series` tag in InfluxDB.
 *
 * Injective: two different identities never give the same key. A `%`, `|` or `=` inside a name is percent-encoded
 * (`%25`, `%7C`, `%3D`), so `{ host: 'a|core=0' }` (`m|host=a%7Ccore%3D0`) and `{ host: 'a', tags: { core: '0' } }`
 * (`m|host=a|core=0`) stay two series. Names without those characters (nearly all) give the same key as ever. A key
 * of writable names is itself writable as an InfluxDB tag value. {@link seriesKeyParts} reads a key back.
 * O(total length + tags · log tags).
 *
 * @example seriesKey({ metric: 'cpu.total', host: 'web-1', tags: { core: '0' } }) // 'cpu.total|host=web-1|core=0'
 */
export function seriesKey(event: SeriesIdentity): string {
  const tags = event.tags ?? {};
  let key = `${escapePart(event.metric)}${SEPARATOR}host${ASSIGN}${escapePart(event.host)}`;
  for (const name of Object.keys(tags).sort()) {
    key += `${SEPARATOR}${escapePart(name)}${ASSIGN}${escapePart(tags[name]!)}`;
  }
  return key;
}

/**
 * The metric, host and tags a {@link seriesKey} was built from (escapes undone), or undefined when `key` is not one.
 *
 * @example seriesKeyParts('m|host=a%7Ccore%3D0') // { metric: 'm', host: 'a|core=0', tags: {} }
 */
export function seriesKeyParts(
  key: string,
): { metric: string; host: string; tags: Record<string, string> } | undefined {
  const [metric, ...pairs] = key.split(SEPARATOR);
  if (metric === undefined || pairs.length === 0) return undefined;
  const entries: [string, string][] = [];
  for (const pair of pairs) {
    const split = pair.split(ASSIGN);
    if (split.length !== 2) return undefined;
    entries.push([decodePart(split[0]!), decodePart(split[1]!)]);
  }
  const [host, ...tags] = entries;
  if (host === undefined || host[0] !== 'host') return undefined;
  // a Map, then fromEntries: every name stays an own property, whatever it is called
  return { metric: decodePart(metric), host: host[1], tags: Object.fromEntries(new Map(tags)) };
}

function escapePart(name: string): string {
  // nearly every name has none of the three: three scans cost less than the regular expression's replace
  if (name.indexOf('%') < 0 && name.indexOf('|') < 0 && name.indexOf('=') < 0) return name;
  return name.replace(SPECIAL, (c) => ENCODED[c]!);
}

function decodePart(part: string): string {
  return part.replace(/%(?:25|7C|3D)/g, (code) => DECODED[code]!);
}
