import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltReport } from '../report/report-builder.service';
import type { WeeklyReport } from '../report/report.schema';
import { renderHtml } from '../render/html.renderer';
import { renderText } from '../render/text.renderer';

/** What `GET /reports` lists: small enough to read every report's on each request. */
export interface ReportMeta {
  readonly id: string;
  readonly title: string;
  readonly trigger: WeeklyReport['trigger'];
  readonly period: WeeklyReport['period'];
  readonly generatedAt: number;
  readonly summary: WeeklyReport['summary'];
  readonly charts: number;
}

export interface SavedReport {
  readonly id: string;
  readonly dir: string;
  /** Self-contained HTML (charts as data: URIs): open it in a browser, or GET /reports/:id. */
  readonly htmlPath: string;
  readonly jsonPath: string;
  /** The e-mail's HTML body (charts as cid: references) and its text alternative. */
  readonly emailHtmlPath: string;
  readonly emailTextPath: string;
  readonly chartsDir: string;
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * Reports on disk, one folder each under `<dataDir>/reports/<id>/`: `report.html`, `report.json`, `meta.json`,
 * `email.html`, `email.txt`, `charts/*.png`. A report is written to a temporary folder and renamed into place, so a
 * folder that exists is complete: that is what makes "persisted before sending" safe across crashes.
 */
export class ReportArchive {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'reports');
  }

  static isSafeId(id: string): boolean {
    return SAFE_ID.test(id) && id !== '.' && id !== '..';
  }

  paths(id: string): SavedReport {
    if (!ReportArchive.isSafeId(id)) throw new Error(`invalid report id "${id}"`);
    const dir = join(this.root, id);
    return {
      id,
      dir,
      htmlPath: join(dir, 'report.html'),
      jsonPath: join(dir, 'report.json'),
      emailHtmlPath: join(dir, 'email.html'),
      emailTextPath: join(dir, 'email.txt'),
      chartsDir: join(dir, 'charts'),
    };
  }

  async exists(id: string): Promise<boolean> {
    try {
      await stat(join(this.paths(id).dir, 'meta.json'));
      return true;
    } catch {
      return false;
    }
  }

  /** Writes every file of the report atomically (temp folder + rename). Saving an id twice keeps the first. */
  async save(built: BuiltReport): Promise<SavedReport> {
    const { report, charts } = built;
    const target = this.paths(report.id);
    if (await this.exists(report.id)) return target;
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${report.id}-${randomBytes(4).toString('hex')}`);
    await mkdir(join(tmp, 'charts'), { recursive: true });
    const dataUri = new Map<string, string>();
    for (const [file, png] of charts) {
      await writeFile(join(tmp, 'charts', file), png);
      dataUri.set(file, `data:image/png;base64,${png.toString('base64')}`);
    }
    await writeFile(join(tmp, 'report.json'), JSON.stringify(report));
    await writeFile(join(tmp, 'report.html'), renderHtml(report, { imageSrc: (c) => dataUri.get(c.file) ?? '' }));
    await writeFile(join(tmp, 'email.html'), renderHtml(report, { imageSrc: (c) => `cid:${c.cid}` }));
    await writeFile(join(tmp, 'email.txt'), renderText(report));
    const meta: ReportMeta = {
      id: report.id,
      title: report.title,
      trigger: report.trigger,
      period: report.period,
      generatedAt: report.generatedAt,
      summary: report.summary,
      charts: report.charts.length,
    };
    await writeFile(join(tmp, 'meta.json'), JSON.stringify(meta));
    try {
      await rename(tmp, target.dir);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      // Another instance saved the same id first: theirs is complete, keep it.
      if (await this.exists(report.id)) return target;
      throw error;
    }
    return target;
  }

  async list(): Promise<ReportMeta[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    const out: ReportMeta[] = [];
    for (const name of names) {
      if (name.startsWith('.') || !ReportArchive.isSafeId(name)) continue;
      try {
        out.push(JSON.parse(await readFile(join(this.root, name, 'meta.json'), 'utf8')) as ReportMeta);
      } catch {
        // not a complete report folder
      }
    }
    return out.sort((a, b) => b.period.until - a.period.until || b.generatedAt - a.generatedAt);
  }

  async readReport(id: string): Promise<WeeklyReport | undefined> {
    try {
      return JSON.parse(await readFile(this.paths(id).jsonPath, 'utf8')) as WeeklyReport;
    } catch {
      return undefined;
    }
  }
}
