import { initialLifecycleState, type AlertLifecycleState } from './alert-lifecycle.state';

/**
 * The named store of alert lifecycles, one per series, as the scoring processor works on them. Misses are filled
 * from `persisted` (the compacted alert-state topic as a table), so after a restart or a partition move an instance
 * continues each series where the last persisted phase left it. Phase changes are marked dirty and taken in batches
 * ({@link takeDirty}) to be persisted before the offsets that caused them are committed.
 */
export class AlertLifecycleStore {
  private readonly working = new Map<string, AlertLifecycleState>();
  private readonly dirty = new Set<string>();

  constructor(private readonly persisted: { get(series: string): AlertLifecycleState | undefined }) {}

  get size(): number {
    return this.working.size;
  }

  /** The series' working state: from memory, else a copy of the persisted one, else a fresh `normal` state. */
  get(series: string): AlertLifecycleState {
    let state = this.working.get(series);
    if (state === undefined) {
      const persisted = this.persisted.get(series);
      state = persisted === undefined ? initialLifecycleState(series) : cloneState(persisted);
      this.working.set(series, state);
    }
    return state;
  }

  markDirty(series: string): void {
    this.dirty.add(series);
  }

  /** Copies of every state changed since the last call, to persist; clears the dirty set. */
  takeDirty(): AlertLifecycleState[] {
    const out: AlertLifecycleState[] = [];
    for (const series of this.dirty) {
      const state = this.working.get(series);
      if (state !== undefined) out.push(cloneState(state));
    }
    this.dirty.clear();
    return out;
  }

  /**
   * Forgets the working states (after a rebalance: another instance may have moved a series on meanwhile), so that
   * each is read again from the persisted table when next seen. Dirty states must have been persisted first.
   */
  clear(): void {
    this.working.clear();
    this.dirty.clear();
  }

  /** Working states with an open incident (pending, firing or recovering), for /health and tests. */
  openIncidents(): number {
    let n = 0;
    for (const state of this.working.values()) if (state.phase !== 'normal') n++;
    return n;
  }
}

export function cloneState(state: AlertLifecycleState): AlertLifecycleState {
  return { ...state, incident: state.incident === null ? null : { ...state.incident } };
}
