import { hostname } from 'node:os';
import { mkdir, open, readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Lease {
  readonly reportId: string;
  readonly owner: string;
  /** Keeps the lease alive while the report is built (touches the claim file). */
  heartbeat(): Promise<void>;
  /** Marks the tick done: the claim is never taken over again. */
  complete(): Promise<void>;
}

/**
 * One report per tick across reporter instances. The report id of a tick is deterministic (`weekly-<tick ISO>`),
 * and an instance may build it only after **creating** `<dataDir>/claims/<id>.claim` with `O_CREAT | O_EXCL`: the
 * filesystem lets exactly one creator win, atomically (also on NFSv3+ and on Kubernetes RWX volumes, which is what
 * instances on several machines share anyway, since the reports themselves live in `dataDir`). InfluxDB was not used
 * for this because it has no compare-and-set: two instances writing a claim point both "succeed".
 *
 * A claim whose owner died mid-build (no heartbeat for `ttlMs`, not completed) can be taken over: the stale claim is
 * renamed away (rename is atomic, so only one taker succeeds) and claimed afresh with O_EXCL.
 */
export class ReportLeases {
  readonly dir: string;
  readonly owner: string;

  constructor(
    dataDir: string,
    private readonly ttlMs: number,
    owner = `${hostname()}:${process.pid}`,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(dataDir, 'claims');
    this.owner = owner;
  }

  private file(reportId: string): string {
    return join(this.dir, `${reportId}.claim`);
  }

  /** Claims the tick's report for this instance; undefined when another instance holds or finished it. */
  async tryClaim(reportId: string): Promise<Lease | undefined> {
    await mkdir(this.dir, { recursive: true });
    const path = this.file(reportId);
    if (await this.create(path)) return this.lease(reportId, path);
    // Held by someone: take it over only when stale and not completed.
    let content: { owner?: string; completedAt?: number };
    let mtimeMs: number;
    try {
      content = JSON.parse(await readFile(path, 'utf8')) as typeof content;
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return undefined; // being written or moved right now: leave it to the other instance
    }
    if (content.completedAt !== undefined || this.now() - mtimeMs < this.ttlMs) return undefined;
    try {
      await rename(path, `${path}.stale-${this.now()}-${process.pid}`);
    } catch {
      return undefined; // another instance took it over first
    }
    return (await this.create(path)) ? this.lease(reportId, path) : undefined;
  }

  private async create(path: string): Promise<boolean> {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ owner: this.owner, claimedAt: this.now() }));
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  private lease(reportId: string, path: string): Lease {
    const owner = this.owner;
    const now = this.now;
    return {
      reportId,
      owner,
      heartbeat: async () => {
        const t = new Date(now());
        await utimes(path, t, t);
      },
      complete: async () => {
        await writeFile(path, JSON.stringify({ owner, completedAt: now() }));
      },
    };
  }
}
