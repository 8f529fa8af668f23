/** A metric family's type as declared by `# TYPE` (`untyped` when there is no such line). */
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface ExpositionSample {
  /** The sample's own name: the family name, or it plus `_bucket`, `_sum`, `_count` (`_total`, `_created`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly type: FamilyType;
  readonly samples: ExpositionSample[];
}

const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'] as const;

/**
 * Parses the Prometheus text exposition format 0.0.4 (what node_exporter, prom-client and most `/metrics` endpoints
 * serve; OpenMetrics text parses too, its `# EOF` and `_created` samples are ignored) into families in the order they
 * appear. A sample belongs to the family its `# TYPE` line named (`x_bucket`, `x_sum` and `x_count` to histogram or
 * summary `x`); a sample without one is its own `untyped` family. Lines that do not parse are skipped and counted, so
 * one odd line never costs the rest of the scrape. Timestamps are ignored: the scrape time stamps every sample.
 *
 * @example parseExposition('# TYPE up gauge\nup{job="a"} 1\n').families[0] // { name: 'up', type: 'gauge', samples: [{ name: 'up', labels: { job: 'a' }, value: 1 }] }
 */
export function parseExposition(text: string): { families: MetricFamily[]; skippedLines: number } {
  const families = new Map<string, MetricFamily>();
  const typed = new Map<string, FamilyType>();
  let skippedLines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const match = /^#\s+TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\w+)/.exec(line);
      if (match && TYPES.has(match[2]!)) typed.set(match[1]!, match[2] as FamilyType);
      continue;
    }
    const sample = parseSampleLine(line);
    if (!sample) {
      skippedLines++;
      continue;
    }
    const familyName = familyOf(sample.name, typed);
    if (familyName === undefined) continue; // an OpenMetrics `_created` sample: a start time, not a value
    let family = families.get(familyName);
    if (!family) {
      family = { name: familyName, type: typed.get(familyName) ?? 'untyped', samples: [] };
      families.set(familyName, family);
    }
    family.samples.push(sample);
  }
  return { families: [...families.values()], skippedLines };
}

function familyOf(sampleName: string, typed: ReadonlyMap<string, FamilyType>): string | undefined {
  if (typed.has(sampleName)) return sampleName;
  for (const suffix of SUFFIXES) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    if (!typed.has(base)) continue;
    return suffix === '_created' ? undefined : base;
  }
  return sampleName;
}

/** `name{label="value",...} value [timestamp]`; label values may hold `\\`, `\"` and `\n` escapes. */
export function parseSampleLine(line: string): ExpositionSample | undefined {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(i));
      if (!labelMatch) return undefined;
      i += labelMatch[0].length;
      let value = '';
      for (;;) {
        const char = line[i];
        if (char === undefined) return undefined;
        i++;
        if (char === '"') break;
        if (char === '\\') {
          const escaped = line[i++];
          value += escaped === 'n' ? '\n' : (escaped ?? '');
        } else value += char;
      }
      labels[labelMatch[1]!] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0]);
  return value === undefined ? undefined : { name, labels, value };
}

function parseValue(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
