/** Options of {@link TimedHistory}. */
export interface TimedHistoryOptions {
  /** Width of a slot (default 5 minutes): the finest spacing kept point for point. */
  readonly slotMs?: number;
  /** Timestamps kept for {@link TimedHistory.medianSpacing} (default 256). */
  readonly spacingPoints?: number;
}

const FIVE_MINUTES = 300_000;

/**
 * The recent points of one series over a fixed span of time, in a fixed number of slots: lookups by time (the last
 * value at or before a time, the value nearest to a time) for forecasters that reuse past values (seasonal naive,
 * seasonal medians). The span (`keepMs`) is cut into slots of `slotMs` (default 5 minutes: 2,304 slots for 8 days),
 * each holding the time and value of the latest point that fell into it, in a ring of two typed arrays allocated
 * once. A series spaced at least one slot apart is kept point for point, exactly; a finer one keeps the latest point
 * of each slot (for the day-ahead lookups a forecaster makes, one point per 5 minutes is what it uses). A point more
 * than `keepMs` older than the last one is not found (its slot is reused as the window moves); a point older than the newest one is still kept in its
 * slot if it is the slot's latest.
 *
 * Memory: 16 bytes per slot plus 8 per spacing timestamp, fixed (8 days of 5-minute slots: 38,936 bytes), whatever the
 * series' rate (it used to keep every point: 16 bytes each, 1.1 MB for 8 days at 10 seconds).
 * Complexity: O(1) amortised per point (clearing the slots skipped by a gap, at most all of them); a lookup scans
 * back over empty slots to the nearest point (O(1) for a series without gaps).
 *
 * @example
 * ```ts
 * const h = new TimedHistory(86_400_000, { slotMs: 1000 });
 * h.add(0, 1);
 * h.add(60_000, 2);
 * h.atOrBefore(59_999); // 1
 * h.nearest(50_000, 15_000); // 2
 * ```
 */
export class TimedHistory {
  readonly slotMs: number;
  readonly slots: number;
  /** Time of each slot's point; NaN when the slot is empty. */
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  /** Index (time / slotMs) of the newest slot; −Infinity when empty. */
  private newest = -Infinity;
  private last = NaN;
  private lastV = NaN;
  /** The latest timestamps (one more than the gaps the spacing uses), in a ring. */
  private readonly recent: Float64Array;
  private recentCount = 0;

  constructor(
    readonly keepMs: number,
    options: TimedHistoryOptions = {},
  ) {
    this.slotMs = options.slotMs ?? FIVE_MINUTES;
    if (!(this.slotMs > 0) || !(keepMs >= this.slotMs)) {
      throw new RangeError(`TimedHistory: slotMs > 0 and keepMs ≥ slotMs (got ${this.slotMs}, ${keepMs})`);
    }
    this.slots = Math.ceil(keepMs / this.slotMs) + 1;
    this.times = new Float64Array(this.slots).fill(NaN);
    this.values = new Float64Array(this.slots);
    this.recent = new Float64Array((options.spacingPoints ?? 256) + 1);
  }

  /** Bytes of the typed arrays (fixed at construction). */
  get stateBytes(): number {
    return this.times.byteLength + this.values.byteLength + this.recent.byteLength;
  }

  /** Time and value of the last point added (NaN when empty). */
  get lastTime(): number {
    return this.last;
  }

  get lastValue(): number {
    return this.lastV;
  }

  /** Keeps a finite value in its slot (the slot's latest point wins); moves the window to the newest slot. */
  add(t: number, v: number): void {
    if (!Number.isFinite(v) || !Number.isFinite(t)) return;
    const k = Math.floor(t / this.slotMs);
    if (k > this.newest) this.advance(k);
    else if (k <= this.newest - this.slots) return;
    const slot = this.slot(k);
    const held = this.times[slot]!;
    if (!(held > t)) {
      this.times[slot] = t;
      this.values[slot] = v;
    }
    this.last = t;
    this.lastV = v;
    this.recent[this.recentCount % this.recent.length] = t;
    this.recentCount++;
  }

  /** Value of the last kept point at or before `t`, or undefined. */
  atOrBefore(t: number): number | undefined {
    const slot = this.slotAtOrBefore(t, this.oldest());
    return slot < 0 ? undefined : this.values[slot]!;
  }

  /** Value of the kept point nearest to `t` if it is within `toleranceMs` (the earlier one on a tie), else undefined. */
  nearest(t: number, toleranceMs: number): number | undefined {
    const from = Math.max(this.oldest(), Math.floor((t - toleranceMs) / this.slotMs));
    const before = this.slotAtOrBefore(t, from);
    let best = -1;
    let distance = Infinity;
    if (before >= 0) {
      best = before;
      distance = t - this.times[before]!;
    }
    const after = this.slotAfter(t, Math.floor((t + toleranceMs) / this.slotMs));
    if (after >= 0 && this.times[after]! - t < distance) {
      best = after;
      distance = this.times[after]! - t;
    }
    return best >= 0 && distance <= toleranceMs ? this.values[best]! : undefined;
  }

  /**
   * Median spacing of the last (up to) `count` gaps between points added within `keepMs` of the last one, zero gaps
   * ignored; NaN with fewer than two points.
   */
  medianSpacing(count = this.recent.length - 1): number {
    const size = this.recent.length;
    const n = Math.min(count, this.recentCount - 1, size - 1);
    const gaps: number[] = [];
    const oldest = this.last - this.keepMs;
    for (let i = this.recentCount - n; i < this.recentCount; i++) {
      const previous = this.recent[(i - 1) % size]!;
      const d = this.recent[i % size]! - previous;
      if (previous >= oldest && d > 0) gaps.push(d);
    }
    if (gaps.length === 0) return NaN;
    gaps.sort((a, b) => a - b);
    return gaps[gaps.length >> 1]!;
  }

  /** The oldest slot index the window holds. */
  private oldest(): number {
    return this.newest - this.slots + 1;
  }

  /** The slot of the latest kept point at or before `t`, looking back no further than slot index `from`; −1 if none. */
  private slotAtOrBefore(t: number, from: number): number {
    for (let k = Math.min(Math.floor(t / this.slotMs), this.newest); k >= from; k--) {
      const slot = this.slot(k);
      const held = this.times[slot]!;
      if (held <= t) return held >= this.last - this.keepMs ? slot : -1;
      // a slot's point after t (t inside that slot): the earlier slots may still hold one before it
    }
    return -1;
  }

  /** The slot of the earliest kept point after `t`, up to slot index `to`; −1 if none. */
  private slotAfter(t: number, to: number): number {
    for (let k = Math.max(Math.floor(t / this.slotMs), this.oldest()); k <= Math.min(to, this.newest); k++) {
      const slot = this.slot(k);
      const held = this.times[slot]!;
      if (held > t) return held >= this.last - this.keepMs ? slot : -1;
    }
    return -1;
  }

  private slot(k: number): number {
    return ((k % this.slots) + this.slots) % this.slots;
  }

  /** Moves the newest slot to `k`, emptying the slots that fall out of the window or are skipped. */
  private advance(k: number): void {
    const from = Number.isFinite(this.newest) ? Math.max(this.newest + 1, k - this.slots + 1) : k - this.slots + 1;
    for (let j = from; j <= k; j++) this.times[this.slot(j)] = NaN;
    this.newest = k;
  }
}
