import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ReportArchive } from '../archive/report-archive.store';
import { REPORT_SCHEMA, type WeeklyReport } from '../report/report.schema';
import { DeliveryQueue } from './delivery-queue.store';
import { MailDeliveryError, type MailTransport, type ReportMessage, type SendResult } from './mail-transport';
import { ReportDelivery } from './report-delivery.service';

function minimalReport(id: string): WeeklyReport {
  const period = { since: 0, until: 7 * 86_400_000, timezone: 'UTC' };
  return {
    schema: REPORT_SCHEMA,
    id,
    title: 'Weekly',
    trigger: 'on-demand',
    period,
    previous: { ...period, since: -period.until, until: 0 },
    generatedAt: 1,
    summary: {
      hosts: 0,
      series: 0,
      seriesWithData: 0,
      significantChanges: 0,
      incidents: 0,
      alertsFired: 0,
      projections: 0,
      recommendations: 0,
    },
    comparisons: [],
    incidents: [],
    hygiene: [],
    shifts: [],
    projections: [],
    recommendations: [],
    notes: [],
    charts: [{ cid: 'chart-1@tideline', file: 'chart-1.png', series: 's', title: 's', reason: 'r' }],
    timings: {},
  };
}

/** A transport that fails (retriably or not) a set number of times, then accepts. */
class FlakyTransport implements MailTransport {
  readonly description = 'flaky';
  sent: ReportMessage[] = [];
  constructor(
    private failures: number,
    private readonly retriable = true,
  ) {}
  async send(message: ReportMessage): Promise<SendResult> {
    if (this.failures-- > 0)
      throw new MailDeliveryError('connection refused', { retriable: this.retriable, code: 'ECONNECTION' });
    this.sent.push(message);
    return { deliveredTo: 'flaky', accepted: [...message.to], rejected: [] };
  }
  close(): void {}
}

describe('ReportDelivery', () => {
  let dir: string;
  let clock: number;
  const now = () => clock;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tideline-delivery-'));
    clock = 1_000_000;
    await new ReportArchive(dir).save({
      report: minimalReport('r1'),
      charts: new Map([['chart-1.png', Buffer.from('png')]]),
    });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('retries a retriable failure with growing backoff and delivers exactly once, also across a restart', async () => {
    const transport = new FlakyTransport(2);
    const options = {
      from: 'tideline@localhost',
      subjectPrefix: '[T]',
      retry: { initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0 },
      now,
    };
    const first = new ReportDelivery(new DeliveryQueue(dir), new ReportArchive(dir), transport, options);
    await first.queue.enqueue({ reportId: 'r1', team: 'ops', to: ['ops@example.com'], createdAt: clock });

    const [a] = await first.deliverDue();
    assert.equal(a!.state, 'pending');
    assert.equal(a!.job.nextAttemptAt, clock + 1000);
    assert.deepEqual(await first.deliverDue(), [], 'not due yet');
    clock += 1000;
    const [b] = await first.deliverDue();
    assert.equal(b!.job.nextAttemptAt, clock + 2000, 'the delay doubles');

    // "Restart": a new instance on the same folder resumes the pending job.
    clock += 2000;
    const second = new ReportDelivery(new DeliveryQueue(dir), new ReportArchive(dir), transport, options);
    const [c] = await second.deliverDue();
    assert.equal(c!.state, 'delivered');
    assert.equal(c!.job.attempts, 3);
    assert.equal(transport.sent.length, 1);
    assert.equal(transport.sent[0]!.attachments[0]!.cid, 'chart-1@tideline');
    clock += 100_000;
    assert.deepEqual(await second.deliverDue(), []);
    assert.equal(transport.sent.length, 1, 'never sent twice');
  });

  it('moves a permanently refused message to failed, keeping it', async () => {
    const delivery = new ReportDelivery(new DeliveryQueue(dir), new ReportArchive(dir), new FlakyTransport(1, false), {
      from: 'x@y',
      subjectPrefix: '',
      retry: { initialDelayMs: 10, maxDelayMs: 10 },
      now,
    });
    await delivery.queue.enqueue({ reportId: 'r1', team: 'ops', to: ['ops@example.com'], createdAt: clock });
    const [outcome] = await delivery.deliverDue();
    assert.equal(outcome!.state, 'failed');
    assert.equal((await delivery.queue.list('failed')).length, 1);
  });
});
