/**
 * Rate-limit state in SQLite: a portal's own rate-limit setting, the daily request totals the server
 * persists (it keeps SQLite windows in memory: one process owns the file), and `countRequest`, the
 * same atomic count (and lease) the PostgreSQL adapter does, for any caller that wants the database's count.
 */
import type Database from 'better-sqlite3';
import type { DailyRequestCount, RequestCountHit, RequestCountResult } from '../../domain/store.js';

export class SqliteRequestCounts {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      setRateLimit: db.prepare('UPDATE portals SET rate_limit = ? WHERE id = ?'),
      getRateLimit: db.prepare<[number], { rate_limit: string | null }>(
        'SELECT rate_limit FROM portals WHERE id = ?',
      ),
      daily: db.prepare<[number], { portal_id: number; app_id: number; hits: number }>(
        'SELECT portal_id, app_id, hits FROM request_counts_daily WHERE day = ?',
      ),
      dailyOf: db.prepare<[number, number, number], { hits: number }>(
        'SELECT hits FROM request_counts_daily WHERE portal_id = ? AND app_id = ? AND day = ?',
      ),
      setDaily: db.prepare(
        `INSERT INTO request_counts_daily (portal_id, app_id, day, hits) VALUES (?, ?, ?, ?)
         ON CONFLICT (portal_id, app_id, day) DO UPDATE SET hits = excluded.hits`,
      ),
      addDaily: db.prepare(
        `INSERT INTO request_counts_daily (portal_id, app_id, day, hits) VALUES (?, ?, ?, ?)
         ON CONFLICT (portal_id, app_id, day) DO UPDATE SET hits = hits + excluded.hits`,
      ),
      backDaily: db.prepare(
        'UPDATE request_counts_daily SET hits = MAX(0, hits - ?) WHERE portal_id = ? AND app_id = ? AND day = ?',
      ),
      backSecond: db.prepare(
        'UPDATE request_counts_seconds SET hits = MAX(0, hits - ?) WHERE portal_id = ? AND app_id = ? AND second = ?',
      ),
      window: db.prepare<[number, number, number, number], { total: number }>(
        `SELECT COALESCE(SUM(hits), 0) AS total FROM request_counts_seconds
         WHERE portal_id = ? AND app_id = ? AND second > ? AND second <= ?`,
      ),
      addSecond: db.prepare(
        `INSERT INTO request_counts_seconds (portal_id, app_id, second, hits) VALUES (?, ?, ?, ?)
         ON CONFLICT (portal_id, app_id, second) DO UPDATE SET hits = hits + excluded.hits`,
      ),
      dropOldSeconds: db.prepare(
        'DELETE FROM request_counts_seconds WHERE portal_id = ? AND app_id = ? AND second <= ?',
      ),
    };
  }

  setPortalRateLimit(portalId: number, rateLimit: string | null): void {
    this.statements.setRateLimit.run(rateLimit, portalId);
  }

  getPortalRateLimit(portalId: number): string | undefined {
    return this.statements.getRateLimit.get(portalId)?.rate_limit ?? undefined;
  }

  loadDaily(day: number): DailyRequestCount[] {
    return this.statements.daily
      .all(day)
      .map((row) => ({ portalId: row.portal_id, appId: row.app_id, hits: row.hits }));
  }

  saveDaily(day: number, counts: DailyRequestCount[]): void {
    this.db.transaction(() => {
      for (const count of counts) this.statements.setDaily.run(count.portalId, count.appId, day, count.hits);
    })();
  }

  count(hit: RequestCountHit): RequestCountResult {
    const s = this.statements;
    return this.db
      .transaction((): RequestCountResult => {
        const key = [hit.portalId, hit.appId] as const;
        if (hit.giveBack && hit.giveBack.count > 0) {
          s.backSecond.run(hit.giveBack.count, ...key, hit.giveBack.second);
          s.backDaily.run(hit.giveBack.count, ...key, hit.day);
        }
        const windowCount = (s.window.get(...key, hit.second - hit.windowSeconds, hit.second)?.total ??
          0) as number;
        const dailyCount = s.dailyOf.get(...key, hit.day)?.hits ?? 0;
        const want = hit.want ?? 1;
        if (want < 1) return { windowCount, dailyCount, granted: 0 };
        if (windowCount >= hit.max) return { windowCount, dailyCount, granted: 0, refusedBy: 'window' };
        if (hit.dailyMax !== null && dailyCount >= hit.dailyMax)
          return { windowCount, dailyCount, granted: 0, refusedBy: 'daily' };
        // The same share rule as PostgreSQL's request_count_claim (see `RequestCountHit.want`).
        let granted = Math.min(want, Math.max(1, Math.floor((hit.max - windowCount) / 8)));
        if (hit.dailyMax !== null)
          granted = Math.min(granted, Math.max(1, Math.floor((hit.dailyMax - dailyCount) / 8)));
        s.addSecond.run(...key, hit.second, granted);
        s.addDaily.run(...key, hit.day, granted);
        s.dropOldSeconds.run(...key, hit.second - 60);
        return { windowCount: windowCount + granted, dailyCount: dailyCount + granted, granted };
      })
      .immediate();
  }
}
