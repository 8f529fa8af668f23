import { randomBytes } from 'node:crypto';
import type { ReportArchive, SavedReport } from '../archive/report-archive.store';
import type { DeliveryQueue } from '../delivery/delivery-queue.store';
import type { DeliveryOutcome, ReportDelivery } from '../delivery/report-delivery.service';
import type { ReportBuilder } from './report-builder.service';
import type { DataNote, WeeklyReport } from './report.schema';

export interface RunRequest {
  readonly trigger: WeeklyReport['trigger'];
  readonly since: number;
  readonly until: number;
  /** Default: `weekly-<until>` for the schedule, a fresh id for on-demand reports. */
  readonly id?: string;
  /** Overrides the configured recipients (one message to these addresses). */
  readonly to?: readonly string[];
}

export interface RunResult {
  readonly report: WeeklyReport;
  readonly saved: SavedReport;
  readonly deliveries: readonly DeliveryOutcome[];
  readonly recipientNotes: readonly DataNote[];
}

export interface RunnerOptions {
  readonly timezone: string;
  readonly recipients: Readonly<Record<string, readonly string[]>>;
  /** The sender; used as the recipient when none is configured and messages go to the outbox folder. */
  readonly from: string;
  /** True when messages go to the outbox folder (no SMTP configured). */
  readonly outbox: boolean;
  readonly now?: () => number;
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

/** `2026-11-23T07:00:00.000Z` → `20261123T0700Z`. */
export function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\d\d\.\d{3}Z$/, 'Z');
}

/** The deterministic id of the scheduled report ending at `tick`: every instance computes the same one. */
export function scheduledReportId(tick: number): string {
  return `weekly-${compactTime(tick)}`;
}

/** Splits recipients into valid addresses per team and notes naming the invalid ones (they never stop a report). */
export function validateRecipients(recipients: Readonly<Record<string, readonly string[]>>): {
  teams: Map<string, string[]>;
  notes: DataNote[];
} {
  const teams = new Map<string, string[]>();
  const notes: DataNote[] = [];
  for (const [team, list] of Object.entries(recipients)) {
    const valid = list.map((a) => a.trim()).filter((a) => EMAIL.test(a));
    const invalid = list.filter((a) => !EMAIL.test(a.trim()));
    if (invalid.length > 0) {
      notes.push({
        kind: 'invalid-recipient',
        message: `Not sent to ${invalid.map((a) => JSON.stringify(a)).join(', ')} (reporter.recipients.${team}): not an e-mail address.`,
      });
    }
    if (valid.length > 0) teams.set(team, valid);
    else if (list.length > 0)
      notes.push({
        kind: 'invalid-recipient',
        message: `Team "${team}" has no valid recipient: nobody in it receives this report.`,
      });
  }
  return { teams, notes };
}

/** Build → save (HTML, JSON, charts) → queue one message per team → try to deliver. Saving always comes first. */
export class ReportRunner {
  private readonly now: () => number;

  constructor(
    private readonly builder: ReportBuilder,
    private readonly archive: ReportArchive,
    private readonly queue: DeliveryQueue,
    private readonly delivery: ReportDelivery,
    private readonly options: RunnerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const id =
      request.id ??
      (request.trigger === 'on-demand'
        ? `report-${compactTime(request.until)}-${randomBytes(3).toString('hex')}`
        : scheduledReportId(request.until));
    const { teams, notes } = validateRecipients(request.to ? { 'command-line': request.to } : this.options.recipients);
    if (teams.size === 0 && this.options.outbox) teams.set('default', [this.options.from]);
    if (teams.size === 0)
      notes.push({
        kind: 'invalid-recipient',
        message: 'No recipients configured (reporter.recipients): the report is saved but not e-mailed.',
      });

    const built = await this.builder.build({
      id,
      trigger: request.trigger,
      since: request.since,
      until: request.until,
      timezone: this.options.timezone,
      notes,
      now: this.now(),
    });
    const saved = await this.archive.save(built);
    for (const [team, to] of teams) {
      await this.queue.enqueue({ reportId: id, team, to, createdAt: this.now() });
    }
    const deliveries = (await this.delivery.deliverDue()).filter((d) => d.job.reportId === id);
    return { report: built.report, saved, deliveries, recipientNotes: notes };
  }
}
