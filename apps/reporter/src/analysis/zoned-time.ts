/** Calendar parts of an instant in an IANA timezone (Intl, no dependency). */
export interface ZonedParts {
  readonly date: string; // YYYY-MM-DD
  readonly hour: number;
  readonly minute: number;
  readonly weekday: string; // Mon..Sun
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) parts[p.type] = p.value;
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    weekday: parts['weekday'] ?? '',
  };
}

/** `Mon 2026-11-23 08:00` in the timezone. */
export function formatZoned(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.weekday} ${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** True when the runtime knows the IANA zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * `3 d 4 h`, `45 min`: a duration for people. Rounded once, to the unit shown, before it is split, so that a part
 * never reaches its next unit (`7 d`, not `6 d 24 h`; `2 h`, not `1 h 60 min`).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? 'never' : '—';
  const abs = Math.abs(ms);
  const min = Math.round(abs / 60_000);
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) {
    const h = Math.floor(min / 60);
    const m = min % 60;
    return m > 0 ? `${h} h ${m} min` : `${h} h`;
  }
  const hours = Math.round(abs / 3_600_000);
  if (hours < 14 * 24) {
    const days = Math.floor(hours / 24);
    const rest = hours % 24;
    return rest > 0 ? `${days} d ${rest} h` : `${days} d`;
  }
  const tenths = Math.round(abs / 8_640_000);
  return tenths < 1000 ? `${(tenths / 10).toFixed(1)} d` : `${Math.round(abs / 86_400_000)} d`;
}
