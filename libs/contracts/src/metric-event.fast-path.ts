import { LIMITS } from './limits';
import { lineProtocolNameProblem } from './line-protocol-format';
import { METRIC_EVENT_SCHEMA, type MetricEvent } from './metric-event.schema';

const SOURCES: ReadonlySet<string> = new Set(['collector', 'sdk', 'telegraf', 'replay', 'other']);
const MAX_UNIT_LENGTH = 32;

/**
 * A hand-written check of the common, valid `tideline.metric/1` event: returns the same object
 * `metricEventSchema.parse` would (a fresh object, keys in schema order, `tags` defaulted to `{}`), or `undefined`
 * whenever the input is not plainly valid. It never rejects: callers fall back to {@link parseMetricEvent}, so zod
 * stays the one source of truth and every error message, field name and dead-letter reason comes from it.
 *
 * Anything unusual is left to zod: a prototype other than `Object.prototype` (class instances, arrays), unknown or
 * explicitly `undefined` fields, a reserved tag key (`__proto__`, which zod refuses), non-finite numbers, unsafe integers, names
 * line protocol cannot carry.
 * Checked against zod by the property test in `metric-event.fast-path.spec.ts`.
 *
 * Complexity: O(fields + tags), one allocation for the event and one for its tags.
 */
export function fastParseMetricEvent(input: unknown): MetricEvent | undefined {
  if (typeof input !== 'object' || input === null || Object.getPrototypeOf(input) !== Object.prototype) {
    return undefined;
  }
  const event = input as Record<string, unknown>;
  let present = 0;
  for (const key in event) {
    if (!Object.prototype.hasOwnProperty.call(event, key)) return undefined;
    switch (key) {
      case 'schema':
      case 'metric':
      case 'host':
      case 'value':
      case 'ts':
      case 'tags':
      case 'unit':
      case 'source':
        present++;
        break;
      default:
        return undefined;
    }
  }
  const { schema, metric, host, value, ts, tags, unit, source } = event;
  if (schema !== METRIC_EVENT_SCHEMA) return undefined;
  if (!isName(metric) || !isName(host)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) return undefined;
  let expected = 5;
  let parsedTags: Record<string, string>;
  if (tags === undefined) {
    parsedTags = {};
  } else {
    const copy = copyTags(tags);
    if (copy === undefined) return undefined;
    parsedTags = copy;
    expected++;
  }
  if (unit !== undefined) {
    if (typeof unit !== 'string' || unit.length > MAX_UNIT_LENGTH) return undefined;
    expected++;
  }
  if (source !== undefined) {
    if (typeof source !== 'string' || !SOURCES.has(source)) return undefined;
    expected++;
  }
  // a field present with the value `undefined` (never from JSON): let zod decide what it means
  if (present !== expected) return undefined;
  const parsed: MetricEvent = { schema: METRIC_EVENT_SCHEMA, metric, host, value, ts, tags: parsedTags };
  if (unit !== undefined) parsed.unit = unit;
  if (source !== undefined) parsed.source = source as NonNullable<MetricEvent['source']>;
  return parsed;
}

/** The schema's `name`: length within limits and writable to InfluxDB ({@link lineProtocolNameProblem}). */
function isName(x: unknown): x is string {
  return (
    typeof x === 'string' &&
    x.length >= 1 &&
    x.length <= LIMITS.maxNameLength &&
    lineProtocolNameProblem(x) === undefined
  );
}

function copyTags(tags: unknown): Record<string, string> | undefined {
  if (typeof tags !== 'object' || tags === null || Object.getPrototypeOf(tags) !== Object.prototype) return undefined;
  const source = tags as Record<string, unknown>;
  const copy: Record<string, string> = {};
  let count = 0;
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) return undefined;
    if (++count > LIMITS.maxTags || key === '__proto__' || !isName(key)) return undefined;
    const tagValue = source[key];
    if (!isName(tagValue)) return undefined;
    copy[key] = tagValue;
  }
  return copy;
}
