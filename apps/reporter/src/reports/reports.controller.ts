import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportArchive, type ReportMeta } from '../archive/report-archive.store';
import { REPORTER, type Reporter } from '../reporter.tokens';

/** The saved reports over HTTP: `GET /reports` lists them, `GET /reports/:id` shows one (HTML with its charts). */
@Controller('reports')
export class ReportsController {
  constructor(@Inject(REPORTER) private readonly reporter: Reporter) {}

  @Get()
  async list(): Promise<{ reports: (ReportMeta & { html: string; json: string })[] }> {
    const reports = await this.reporter.archive.list();
    return { reports: reports.map((r) => ({ ...r, html: `/reports/${r.id}`, json: `/reports/${r.id}/report.json` })) };
  }

  @Get(':id')
  async html(@Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.sendFile(res, id, 'report.html', 'text/html; charset=utf-8');
  }

  @Get(':id/report.json')
  async json(@Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.sendFile(res, id, 'report.json', 'application/json');
  }

  @Get(':id/charts/:file')
  async chart(@Param('id') id: string, @Param('file') file: string, @Res() res: Response): Promise<void> {
    if (!/^chart-\d+\.png$/.test(file)) throw new NotFoundException(`no chart ${file}`);
    await this.sendFile(res, id, join('charts', file), 'image/png');
  }

  private async sendFile(res: Response, id: string, name: string, type: string): Promise<void> {
    if (!ReportArchive.isSafeId(id) || !(await this.reporter.archive.exists(id)))
      throw new NotFoundException(`no report ${id}`);
    const body = await readFile(join(this.reporter.archive.paths(id).dir, name)).catch(() => undefined);
    if (!body) throw new NotFoundException(`no ${name} in report ${id}`);
    res.type(type).send(body);
  }
}

/** Browsers ask for `/favicon.ico` when showing a report; answer "no content" rather than a 404 error. */
@Controller()
export class FaviconController {
  @Get('favicon.ico')
  @HttpCode(204)
  favicon(): void {}
}
