import { isAbsolute, join, resolve } from 'node:path';
import type { ReporterConfig } from '@tideline/config';
import { ReportArchive } from './archive/report-archive.store';
import { StatsTimeToLimit } from './analysis/stats-time-to-limit';
import type { TimeToLimitProjector } from './analysis/time-to-limit';
import { DeliveryQueue } from './delivery/delivery-queue.store';
import { OutboxMailTransport, SmtpMailTransport, type MailTransport } from './delivery/mail-transport';
import { ReportDelivery } from './delivery/report-delivery.service';
import { ReportQueryStore, type InfluxQueryable } from './query/report-query.store';
import { ReportBuilder } from './report/report-builder.service';
import { ReportRunner } from './report/report-runner';
import { ReportLeases } from './schedule/report-lease.store';
import { ReportScheduler } from './schedule/report-scheduler.service';

export type ReporterSettings = ReporterConfig['reporter'];

export interface ReporterOverrides {
  /** `--smtp-url`: send over this SMTP server instead of the configured one. */
  readonly smtpUrl?: string;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
  readonly projector?: TimeToLimitProjector;
  /** Resolve a relative `dataDir` against this folder; default the working directory. */
  readonly cwd?: string;
  /** Lease time-to-live; default 5 minutes. */
  readonly leaseTtlMs?: number;
}

/** Every part of the reporter, wired from config. Framework-free: the Nest module and the CLI both use it. */
export interface Reporter {
  readonly settings: ReporterSettings;
  readonly dataDir: string;
  readonly archive: ReportArchive;
  readonly queue: DeliveryQueue;
  readonly transport: MailTransport;
  readonly delivery: ReportDelivery;
  readonly builder: ReportBuilder;
  readonly runner: ReportRunner;
  readonly leases: ReportLeases;
  readonly scheduler: ReportScheduler;
  close(): void;
}

export function createReporter(
  settings: ReporterSettings,
  influx: InfluxQueryable,
  database: string | undefined,
  overrides: ReporterOverrides = {},
): Reporter {
  const base = overrides.cwd ?? process.cwd();
  const dataDir = isAbsolute(settings.dataDir) ? settings.dataDir : resolve(base, settings.dataDir);
  const outboxDir = settings.outboxDir ? resolve(base, settings.outboxDir) : join(dataDir, 'outbox');
  const smtp = overrides.smtpUrl
    ? { url: overrides.smtpUrl, port: 587, secure: false, timeoutMs: settings.smtp?.timeoutMs ?? 30_000 }
    : settings.smtp;
  const transport: MailTransport = smtp ? new SmtpMailTransport(smtp) : new OutboxMailTransport(outboxDir);
  const from = settings.smtp?.from ?? 'tideline@localhost';
  const archive = new ReportArchive(dataDir);
  const queue = new DeliveryQueue(dataDir);
  const delivery = new ReportDelivery(queue, archive, transport, {
    from,
    subjectPrefix: settings.subjectPrefix,
    retry: { initialDelayMs: settings.delivery.initialDelayMs, maxDelayMs: settings.delivery.maxDelayMs },
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.log ? { log: overrides.log } : {}),
  });
  const store = new ReportQueryStore(influx, database);
  const builder = new ReportBuilder(
    store,
    settings.analysis,
    settings.limits,
    overrides.projector ?? new StatsTimeToLimit(),
  );
  const runner = new ReportRunner(builder, archive, queue, delivery, {
    timezone: settings.schedule.timezone,
    recipients: settings.recipients,
    from,
    outbox: !smtp,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const leases = new ReportLeases(dataDir, overrides.leaseTtlMs ?? 5 * 60_000, undefined, overrides.now);
  const scheduler = new ReportScheduler(runner, leases, archive, {
    cron: settings.schedule.cron,
    timezone: settings.schedule.timezone,
    periodMs: settings.periodMs,
    catchUpMaxAgeMs: settings.schedule.catchUpMaxAgeMs,
    hasData: (since, until) => new ReportQueryStore(influx, database).hasPoints(since, until),
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.log ? { log: overrides.log } : {}),
  });
  return {
    settings,
    dataDir,
    archive,
    queue,
    transport,
    delivery,
    builder,
    runner,
    leases,
    scheduler,
    close: () => {
      scheduler.stop();
      transport.close();
    },
  };
}
