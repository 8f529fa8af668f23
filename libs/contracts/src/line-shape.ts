import type { InfluxFieldType } from './influx-measurements';

/** What one line-protocol line holds: measurement, tags, each field's type and raw text, time. */
export interface LineShape {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, { type: InfluxFieldType; raw: string }>;
  readonly time: number;
}

/** Splits at `separator` where it is neither escaped by a backslash nor inside a double-quoted string field. */
function splitUnescaped(text: string, separator: string, limit = Infinity): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted && parts.length < limit - 1) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/**
 * Reads the shape of one InfluxDB 1.x line-protocol line (string, integer and float fields told apart), so tests
 * can hold what a writer produces to `MEASUREMENT_FIELDS` and `MEASUREMENT_TAGS`. Not a validating parser: for
 * lines this project wrote.
 *
 * @example lineShape('alerts,series=a,state=firing id="x",score=0.7,started_at=5i 9').fields.started_at.type // 'integer'
 */
export function lineShape(line: string): LineShape {
  const [head = '', fieldText = '', time = ''] = splitUnescaped(line, ' ');
  const [measurement = '', ...tagPairs] = splitUnescaped(head, ',');
  const tags: Record<string, string> = {};
  for (const pair of tagPairs) {
    const [key = '', value = ''] = splitUnescaped(pair, '=', 2);
    tags[unescape(key)] = unescape(value);
  }
  const fields: LineShape['fields'] = {};
  for (const pair of splitUnescaped(fieldText, ',')) {
    const [key = '', raw = ''] = splitUnescaped(pair, '=', 2);
    const type: InfluxFieldType = raw.startsWith('"') ? 'string' : /^-?\d+i$/.test(raw) ? 'integer' : 'float';
    fields[unescape(key)] = { type, raw };
  }
  return { measurement: unescape(measurement), tags, fields, time: Number(time) };
}

/** The field types of a line, by field name. */
export function fieldTypesOf(shape: LineShape): Record<string, InfluxFieldType> {
  return Object.fromEntries(Object.entries(shape.fields).map(([key, { type }]) => [key, type]));
}
