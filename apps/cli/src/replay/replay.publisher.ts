import { METRIC_EVENT_SCHEMA, seriesKey, type MetricEvent } from '@tideline/contracts';
import type { OutgoingRecord } from '@tideline/kafka';
import type { ReplaySeries } from './replay-plan';

export interface ReplayProgress {
  readonly sent: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface ReplayOptions {
  /** `max`: as fast as possible; a number N: N× the pace of the data's own timestamps. */
  readonly speed: number | 'max';
  readonly host: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Added to every timestamp (see `timeShift`). */
  readonly shiftMs: number;
  /** Records per produce call at full speed. */
  readonly chunk?: number;
  readonly send: (records: OutgoingRecord[]) => Promise<unknown>;
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly signal?: AbortSignal;
  /** Injected for tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A point with its series, merged across files in event-time order. */
interface Scheduled {
  readonly key: string;
  readonly event: MetricEvent;
}

/**
 * Publishes historical points as metric events (source `replay`, keyed by series like every producer) in event-time
 * order across all files. At `speed` N a point is sent when `(ts - first ts) / N` has elapsed since the start; at `max`
 * in chunks as fast as the broker acknowledges. Resolves with the number of events sent.
 */
export async function replay(series: readonly ReplaySeries[], options: ReplayOptions): Promise<number> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const chunk = options.chunk ?? 2000;
  const schedule = merge(series, options);
  const total = schedule.length;
  const started = now();
  const firstTs = schedule[0]?.event.ts ?? 0;
  let sent = 0;
  let lastProgress = 0;
  while (sent < total) {
    options.signal?.throwIfAborted();
    let end = Math.min(total, sent + chunk);
    if (options.speed !== 'max') {
      const elapsed = now() - started;
      const dueTs = firstTs + elapsed * options.speed;
      let due = sent;
      while (due < end && schedule[due]!.event.ts <= dueTs) due++;
      if (due === sent) {
        const nextWall = started + (schedule[sent]!.event.ts - firstTs) / options.speed;
        await sleep(Math.min(1000, Math.max(1, nextWall - now())));
        continue;
      }
      end = due;
    }
    const records: OutgoingRecord[] = [];
    for (let i = sent; i < end; i++) {
      const s = schedule[i]!;
      records.push({ key: s.key, value: JSON.stringify(s.event) });
    }
    await options.send(records);
    sent = end;
    const t = now();
    if (options.onProgress && (t - lastProgress >= 250 || sent === total)) {
      lastProgress = t;
      options.onProgress({ sent, total, elapsedMs: t - started });
    }
  }
  return sent;
}

function merge(series: readonly ReplaySeries[], options: ReplayOptions): Scheduled[] {
  const out: Scheduled[] = [];
  for (const s of series) {
    const template = { metric: s.metric, host: options.host, tags: { ...options.tags } };
    const key = seriesKey(template);
    for (const p of s.points) {
      out.push({
        key,
        event: {
          schema: METRIC_EVENT_SCHEMA,
          ...template,
          value: p.value,
          ts: p.ts + options.shiftMs,
          source: 'replay',
        },
      });
    }
  }
  // stable: points of one series keep their file order when timestamps tie
  return out.sort((a, b) => a.event.ts - b.event.ts);
}
