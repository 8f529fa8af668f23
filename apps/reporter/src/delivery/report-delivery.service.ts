import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveRetryPolicy, retryDelayMs, isRetriable, type RetryPolicy } from '@tideline/errors';
import type { ReportArchive } from '../archive/report-archive.store';
import type { WeeklyReport } from '../report/report.schema';
import { DeliveryQueue, type DeliveryJob } from './delivery-queue.store';
import type { MailTransport, ReportMessage } from './mail-transport';

export interface DeliveryOptions {
  readonly from: string;
  readonly subjectPrefix: string;
  /** Backoff between attempts of one message (jittered exponential, see @tideline/errors); retries never stop. */
  readonly retry: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'> & Partial<RetryPolicy>;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

export interface DeliveryOutcome {
  readonly job: DeliveryJob;
  readonly state: 'delivered' | 'pending' | 'failed';
}

/**
 * Sends queued reports. Each job is tried when due; a retriable failure (server down, 4xx) reschedules it with
 * jittered exponential backoff and no limit on attempts, a permanent one (5xx, every recipient refused) moves it to
 * `failed` with the reason. Jobs are processed one at a time per process, and the message id is deterministic per
 * report and team, so a receiving server or client can drop a duplicate should a crash land between "accepted" and
 * "recorded".
 */
export class ReportDelivery {
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private running: Promise<DeliveryOutcome[]> | undefined;

  constructor(
    readonly queue: DeliveryQueue,
    private readonly archive: ReportArchive,
    readonly transport: MailTransport,
    private readonly options: DeliveryOptions,
  ) {
    this.policy = resolveRetryPolicy({ factor: 2, jitter: 0.2, maxRetries: Infinity, ...options.retry });
    this.now = options.now ?? Date.now;
  }

  /** Tries every due pending job once. Concurrent calls share one pass. */
  deliverDue(): Promise<DeliveryOutcome[]> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** When the next pending job is due (epoch ms), or undefined when nothing is pending. */
  async nextDueAt(): Promise<number | undefined> {
    const pending = await this.queue.list('pending');
    return pending.length > 0 ? Math.min(...pending.map((j) => j.nextAttemptAt)) : undefined;
  }

  private async pass(): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (const job of await this.queue.list('pending')) {
      if (job.nextAttemptAt > this.now()) continue;
      // Another instance may have delivered it since we listed.
      const current = await this.queue.get(job.key);
      if (!current || current.state !== 'pending') continue;
      outcomes.push(await this.attempt(current.job));
    }
    return outcomes;
  }

  private async attempt(job: DeliveryJob): Promise<DeliveryOutcome> {
    let message: ReportMessage;
    try {
      message = await this.message(job);
    } catch (error) {
      const reason = `report ${job.reportId} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
      return { job: await this.queue.markFailed(job, this.now(), reason), state: 'failed' };
    }
    try {
      const result = await this.transport.send(message);
      if (result.accepted.length === 0) {
        const reason = `every recipient was refused: ${result.rejected.join(', ')}`;
        this.options.log?.(`delivery ${job.key} failed: ${reason}`);
        return { job: await this.queue.markFailed(job, this.now(), reason), state: 'failed' };
      }
      this.options.log?.(
        `delivered ${job.key} via ${result.deliveredTo}${result.rejected.length > 0 ? ` (refused: ${result.rejected.join(', ')})` : ''}`,
      );
      return {
        job: await this.queue.markDelivered(job, this.now(), result.deliveredTo, result.rejected),
        state: 'delivered',
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!isRetriable(error)) {
        this.options.log?.(`delivery ${job.key} failed permanently: ${reason}`);
        return { job: await this.queue.markFailed(job, this.now(), reason), state: 'failed' };
      }
      const delay = retryDelayMs(this.policy, job.attempts);
      this.options.log?.(
        `delivery ${job.key} attempt ${job.attempts + 1} failed (${reason}); retrying in ${Math.round(delay / 1000)} s`,
      );
      return { job: await this.queue.reschedule(job, this.now() + delay, reason), state: 'pending' };
    }
  }

  private async message(job: DeliveryJob): Promise<ReportMessage> {
    const paths = this.archive.paths(job.reportId);
    const report = JSON.parse(await readFile(paths.jsonPath, 'utf8')) as WeeklyReport;
    const attachments: { filename: string; cid: string; content: Buffer }[] = [];
    const files = new Set(await readdir(paths.chartsDir).catch(() => [] as string[]));
    for (const chart of report.charts) {
      if (!files.has(chart.file)) continue;
      attachments.push({
        filename: chart.file,
        cid: chart.cid,
        content: await readFile(join(paths.chartsDir, chart.file)),
      });
    }
    const team = job.team === 'default' ? '' : ` (${job.team})`;
    return {
      messageId: `<${job.key}@tideline>`,
      from: this.options.from,
      to: job.to,
      subject: `${this.options.subjectPrefix} ${report.title}${team}`.trim(),
      text: await readFile(paths.emailTextPath, 'utf8'),
      html: await readFile(paths.emailHtmlPath, 'utf8'),
      attachments,
    };
  }
}
