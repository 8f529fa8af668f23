import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ReportArchive } from '../archive/report-archive.store';
import type { ReportRunner, RunRequest, RunResult } from '../report/report-runner';
import { ReportLeases } from './report-lease.store';
import { ReportScheduler } from './report-scheduler.service';

const DAY = 86_400_000;

/** Records runs and saves a marker report, as the real runner would. */
function fakeRunner(archive: ReportArchive, runs: RunRequest[]): ReportRunner {
  return {
    run: async (request: RunRequest) => {
      runs.push(request);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const id = request.id!;
      const period = { since: request.since, until: request.until, timezone: 'UTC' };
      const report = {
        schema: 'tideline.report/1',
        id,
        title: id,
        trigger: request.trigger,
        period,
        previous: period,
        generatedAt: 0,
        summary: {},
        comparisons: [],
        incidents: [],
        hygiene: [],
        shifts: [],
        projections: [],
        recommendations: [],
        notes: [],
        charts: [],
        timings: {},
      };
      const saved = await archive.save({ report: report as never, charts: new Map() });
      return { report, saved, deliveries: [], recipientNotes: [] } as unknown as RunResult;
    },
  } as unknown as ReportRunner;
}

describe('ReportScheduler', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tideline-scheduler-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = (now: number) => ({
    cron: '0 8 * * 1',
    timezone: 'Europe/Berlin',
    periodMs: 7 * DAY,
    catchUpMaxAgeMs: 7 * DAY,
    now: () => now,
  });

  it('runs one report per tick however many instances fire at once', async () => {
    const archive = new ReportArchive(dir);
    const runs: RunRequest[] = [];
    const tick = Date.parse('2026-11-23T07:00:00Z'); // Monday 08:00 in Berlin
    const schedulers = [0, 1, 2].map(
      (i) =>
        new ReportScheduler(
          fakeRunner(archive, runs),
          new ReportLeases(dir, 60_000, `i${i}`),
          archive,
          options(tick + 1000),
        ),
    );
    await Promise.all(schedulers.map((s) => s.runTick(tick, 'schedule')));
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.id, 'weekly-20261123T0700Z');
    assert.equal(runs[0]!.since, tick - 7 * DAY);
  });

  it('catches up a tick missed while down exactly once', async () => {
    const archive = new ReportArchive(dir);
    const runs: RunRequest[] = [];
    const now = Date.parse('2026-11-25T12:00:00Z'); // Wednesday: Monday's 08:00 tick was missed
    const a = new ReportScheduler(fakeRunner(archive, runs), new ReportLeases(dir, 60_000, 'a'), archive, options(now));
    assert.equal(a.lastTick(), Date.parse('2026-11-23T07:00:00Z'));
    await a.catchUp();
    const b = new ReportScheduler(
      fakeRunner(archive, runs),
      new ReportLeases(dir, 60_000, 'b'),
      archive,
      options(now + DAY),
    );
    await b.catchUp(); // a restart the next day: already done
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.trigger, 'catch-up');
  });

  it('does not catch up a tick older than catchUpMaxAgeMs', async () => {
    const archive = new ReportArchive(dir);
    const runs: RunRequest[] = [];
    const s = new ReportScheduler(fakeRunner(archive, runs), new ReportLeases(dir, 60_000, 'a'), archive, {
      ...options(Date.parse('2026-11-27T12:00:00Z')),
      catchUpMaxAgeMs: DAY,
    });
    assert.equal(await s.catchUp(), undefined);
    assert.equal(runs.length, 0);
  });

  it('does not catch up (nor e-mail) a missed tick whose period has no points, and logs why', async () => {
    const archive = new ReportArchive(dir);
    const runs: RunRequest[] = [];
    const logs: string[] = [];
    const asked: [number, number][] = [];
    const now = Date.parse('2026-11-25T12:00:00Z');
    const s = new ReportScheduler(fakeRunner(archive, runs), new ReportLeases(dir, 60_000, 'a'), archive, {
      ...options(now),
      hasData: async (since, until) => {
        asked.push([since, until]);
        return false;
      },
      log: (line) => logs.push(line),
    });
    assert.equal(await s.catchUp(), undefined);
    assert.equal(runs.length, 0);
    const tick = Date.parse('2026-11-23T07:00:00Z');
    assert.deepEqual(asked, [[tick - 7 * DAY, tick]]);
    assert.match(
      logs.join('\n'),
      /not catching up the missed report of 2026-11-23T07:00:00\.000Z: no points .* nothing sent/,
    );
    // with data, the same tick is caught up
    const t = new ReportScheduler(fakeRunner(archive, runs), new ReportLeases(dir, 60_000, 'b'), archive, {
      ...options(now),
      hasData: async () => true,
    });
    await t.catchUp();
    assert.equal(runs.length, 1);
  });
});
