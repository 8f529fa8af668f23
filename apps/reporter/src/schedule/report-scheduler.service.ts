import { Cron } from 'croner';
import type { ReportArchive } from '../archive/report-archive.store';
import type { ReportRunner, RunResult } from '../report/report-runner';
import { scheduledReportId } from '../report/report-runner';
import type { ReportLeases } from './report-lease.store';

export interface SchedulerOptions {
  readonly cron: string;
  readonly timezone: string;
  readonly periodMs: number;
  readonly catchUpMaxAgeMs: number;
  /**
   * Whether any point was stored in `[since, until)`. A missed tick whose period has none is not caught up: on the
   * first start of a new installation that report would say nothing ("0 hosts") to every recipient.
   */
  readonly hasData?: (since: number, until: number) => Promise<boolean>;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

/**
 * Runs the report on the cron schedule (croner, in the configured timezone). Each tick has a deterministic report id,
 * and only the instance that wins the tick's lease builds and sends it (see {@link ReportLeases}). On start, the most
 * recent tick is caught up once if no report exists for it, it is younger than `catchUpMaxAgeMs` (older missed ticks
 * are skipped: a stale weekly report helps nobody, and sending a backlog would flood inboxes) and its period has data
 * (an installation's first start has nothing to report on; a scheduled tick without data is still sent, since a
 * silent week is news).
 */
export class ReportScheduler {
  private job: Cron | undefined;
  private readonly now: () => number;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runner: ReportRunner,
    private readonly leases: ReportLeases,
    private readonly archive: ReportArchive,
    private readonly options: SchedulerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.job = new Cron(this.options.cron, { timezone: this.options.timezone, protect: true }, (self: Cron) => {
      const scheduled = self.currentRun()?.getTime() ?? this.now();
      const tick = Math.round(scheduled / 1000) * 1000;
      this.inFlight = this.runTick(tick, 'schedule').catch((error: unknown) =>
        this.options.log?.(`report for tick ${new Date(tick).toISOString()} failed: ${String(error)}`),
      );
    });
    this.inFlight = this.catchUp().catch((error: unknown) => this.options.log?.(`catch-up failed: ${String(error)}`));
  }

  stop(): void {
    this.job?.stop();
  }

  /** Resolves when the tick or catch-up in progress (if any) has finished. */
  idle(): Promise<unknown> {
    return this.inFlight;
  }

  nextRun(): Date | null {
    return this.job?.nextRun() ?? null;
  }

  /** The most recent tick at or before now, per the cron expression and timezone. */
  lastTick(now = this.now()): number | undefined {
    const cron = new Cron(this.options.cron, { timezone: this.options.timezone, paused: true });
    return cron.previousRuns(1, new Date(now + 1))[0]?.getTime();
  }

  /** Catches up the most recent tick once, when it has no report yet, is recent enough and has data to report on. */
  async catchUp(): Promise<RunResult | undefined> {
    const tick = this.lastTick();
    if (tick === undefined || this.now() - tick > this.options.catchUpMaxAgeMs) return undefined;
    if (await this.archive.exists(scheduledReportId(tick))) return undefined;
    const since = tick - this.options.periodMs;
    if (this.options.hasData && !(await this.options.hasData(since, tick))) {
      this.options.log?.(
        `not catching up the missed report of ${new Date(tick).toISOString()}: no points were stored between ` +
          `${new Date(since).toISOString()} and then (a first start?), so it would be empty; nothing sent. ` +
          `The next report is due at ${this.nextRun()?.toISOString() ?? 'the next tick'}.`,
      );
      return undefined;
    }
    this.options.log?.(`catching up the missed report of ${new Date(tick).toISOString()}`);
    return this.runTick(tick, 'catch-up');
  }

  /** Builds and sends the report of one tick, if this instance wins the tick's lease. */
  async runTick(tick: number, trigger: 'schedule' | 'catch-up'): Promise<RunResult | undefined> {
    const id = scheduledReportId(tick);
    const lease = await this.leases.tryClaim(id);
    if (!lease) {
      this.options.log?.(`report ${id} is handled by another instance`);
      return undefined;
    }
    if (await this.archive.exists(id)) {
      await lease.complete();
      return undefined;
    }
    const beat = setInterval(() => void lease.heartbeat().catch(() => undefined), 10_000);
    try {
      const result = await this.runner.run({ trigger, id, since: tick - this.options.periodMs, until: tick });
      await lease.complete();
      this.options.log?.(`report ${id} saved to ${result.saved.htmlPath}`);
      return result;
    } finally {
      clearInterval(beat);
    }
  }
}
