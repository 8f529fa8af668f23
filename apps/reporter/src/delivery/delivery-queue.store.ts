import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One message to deliver: a report to one team's recipients. */
export interface DeliveryJob {
  readonly key: string;
  readonly reportId: string;
  readonly team: string;
  readonly to: readonly string[];
  readonly createdAt: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError?: string;
  /** Set once delivered: where it went (SMTP message id or .eml path) and which recipients the server refused. */
  readonly deliveredAt?: number;
  readonly deliveredTo?: string;
  readonly rejected?: readonly string[];
  readonly failedAt?: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/**
 * The delivery queue on disk: `<dataDir>/deliveries/{pending,delivered,failed}/<key>.json`, each job a file written
 * atomically (temp + rename). A job moves pending → delivered (or → failed for a permanent error); nothing is ever
 * deleted, so a report is never lost, and a restarted reporter resumes every pending job.
 */
export class DeliveryQueue {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'deliveries');
  }

  static key(reportId: string, team: string): string {
    return `${reportId}--${team.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  }

  private file(state: DeliveryState, key: string): string {
    return join(this.root, state, `${key}.json`);
  }

  private async write(state: DeliveryState, job: DeliveryJob): Promise<void> {
    await mkdir(join(this.root, state), { recursive: true });
    const tmp = join(this.root, state, `.tmp-${job.key}-${randomBytes(4).toString('hex')}`);
    await writeFile(tmp, JSON.stringify(job));
    await rename(tmp, this.file(state, job.key));
  }

  async get(key: string): Promise<{ state: DeliveryState; job: DeliveryJob } | undefined> {
    for (const state of ['delivered', 'failed', 'pending'] as const) {
      try {
        return { state, job: JSON.parse(await readFile(this.file(state, key), 'utf8')) as DeliveryJob };
      } catch {
        // not in this state
      }
    }
    return undefined;
  }

  /** Adds a job unless one with the same key exists in any state (enqueueing is idempotent). */
  async enqueue(
    job: Omit<DeliveryJob, 'key' | 'attempts' | 'nextAttemptAt'> & { nextAttemptAt?: number },
  ): Promise<DeliveryJob> {
    const key = DeliveryQueue.key(job.reportId, job.team);
    const existing = await this.get(key);
    if (existing) return existing.job;
    const full: DeliveryJob = { ...job, key, attempts: 0, nextAttemptAt: job.nextAttemptAt ?? job.createdAt };
    await this.write('pending', full);
    return full;
  }

  async list(state: DeliveryState): Promise<DeliveryJob[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, state));
    } catch {
      return [];
    }
    const out: DeliveryJob[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.root, state, name), 'utf8')) as DeliveryJob);
      } catch {
        // a file being replaced right now
      }
    }
    return out.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  async reschedule(job: DeliveryJob, nextAttemptAt: number, error: string): Promise<DeliveryJob> {
    const next: DeliveryJob = { ...job, attempts: job.attempts + 1, nextAttemptAt, lastError: error };
    await this.write('pending', next);
    return next;
  }

  /** Records the delivery, then removes the pending file: a crash in between leaves both, and `delivered` wins. */
  async markDelivered(
    job: DeliveryJob,
    at: number,
    deliveredTo: string,
    rejected: readonly string[],
  ): Promise<DeliveryJob> {
    const done: DeliveryJob = { ...job, attempts: job.attempts + 1, deliveredAt: at, deliveredTo, rejected };
    await this.write('delivered', done);
    await rm(this.file('pending', job.key), { force: true });
    return done;
  }

  async markFailed(job: DeliveryJob, at: number, error: string): Promise<DeliveryJob> {
    const failed: DeliveryJob = { ...job, attempts: job.attempts + 1, failedAt: at, lastError: error };
    await this.write('failed', failed);
    await rm(this.file('pending', job.key), { force: true });
    return failed;
  }
}
