import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RANGES, renderNotFound, renderOverview, renderSeriesPage, type RangeName } from './dashboard.renderer';
import { ALERT_LOOKBACK_MS, DashboardQueryStore } from './dashboard.store';

/** Injection token of the dashboard's {@link DashboardQueryStore}. */
export const DASHBOARD_STORE = Symbol('tideline.dashboard-store');

const WEEK = 7 * 86_400_000;
/** Buckets per chart: one per ~5 min over 24 h, per 30 min over 7 d; about one per two pixels of the SVG. */
const CHART_BUCKETS = { '24h': 288, '7d': 336 } as const satisfies Record<RangeName, number>;
const SEARCH_LIMIT = 200;

/** The live dashboard: `GET /` (alerts, incidents, hosts, series search) and `GET /series?key=…&range=24h|7d`. */
@Controller()
export class DashboardController {
  constructor(@Inject(DASHBOARD_STORE) private readonly store: DashboardQueryStore) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async overview(@Query('q') q?: string): Promise<string> {
    const now = Date.now();
    const [alerts, series] = await Promise.all([
      // an hour ahead too: replayed or slightly skewed clocks write a little into the future
      this.store.alerts(now - ALERT_LOOKBACK_MS, now + 3_600_000),
      this.store.series(),
    ]);
    return renderOverview({
      now,
      firing: alerts.filter((a) => a.state === 'firing'),
      recent: alerts.filter((a) => a.state === 'firing' || (a.resolvedAt ?? now) >= now - WEEK),
      series,
      query: typeof q === 'string' ? q : '',
      limit: SEARCH_LIMIT,
    });
  }

  @Get('series')
  async series(@Query('key') key: unknown, @Query('range') range: unknown, @Res() res: Response): Promise<void> {
    const name: RangeName = range === '7d' ? '7d' : '24h';
    res.type('text/html; charset=utf-8').setHeader('cache-control', 'no-store');
    if (typeof key !== 'string' || key === '') {
      res.status(404).send(renderNotFound('No series given: open one from the dashboard.'));
      return;
    }
    const now = Date.now();
    const [window, projection] = await Promise.all([
      this.store.window(key, now - RANGES[name], now, CHART_BUCKETS[name]),
      this.store.projection(key, now),
    ]);
    const known = window.value.some(Number.isFinite) || window.alerts.length > 0;
    if (!known && !(await this.store.series()).some((s) => s.series === key)) {
      res.status(404).send(renderNotFound(`No series "${key}".`));
      return;
    }
    res.send(renderSeriesPage(window, name, now, projection));
  }
}
