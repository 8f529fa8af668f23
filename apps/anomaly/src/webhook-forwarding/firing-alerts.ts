import type { AlertEvent } from '@tideline/contracts';

/**
 * The alerts still firing, one per series (its latest incident): what the forwarder posts again to Alertmanager so
 * Alertmanager does not end them after its `resolve_timeout`. A firing alert replaces the series' entry; a resolve
 * removes it when it ends the same incident (same id), so a late resolve of an older incident cannot end a newer one.
 */
export class FiringAlerts {
  private readonly bySeries = new Map<string, AlertEvent>();

  get size(): number {
    return this.bySeries.size;
  }

  update(alert: AlertEvent): void {
    const current = this.bySeries.get(alert.series);
    if (alert.state === 'firing') {
      if (current === undefined || alert.startedAt >= current.startedAt) this.bySeries.set(alert.series, alert);
    } else if (current?.id === alert.id) {
      this.bySeries.delete(alert.series);
    }
  }

  values(): IterableIterator<AlertEvent> {
    return this.bySeries.values();
  }
}

/** Which of two records of a series' alerts is later: a new incident starts after the previous one resolved. */
export function alertEventTime(alert: AlertEvent): number {
  return alert.resolvedAt ?? alert.startedAt;
}
