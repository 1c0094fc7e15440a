/**
 * Rate-limit state in PostgreSQL, shared by every server process on the database: a portal's own
 * rate-limit setting, daily totals, and `count`, one call of the `request_count_claim` function per
 * lease of requests (see its migration: atomic across processes, counted only when allowed).
 */
import type pg from 'pg';
import type { DailyRequestCount, RequestCountHit, RequestCountResult } from '../../domain/store.js';
import { run } from './postgres-pool.js';

const S = {
  hit: {
    name: 'rate_claim',
    text: 'SELECT window_count, daily_count, granted, refused_by FROM request_count_claim($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
  },
};

export class PostgresRequestCounts {
  constructor(private readonly pool: pg.Pool) {}

  async setPortalRateLimit(portalId: number, rateLimit: string | null): Promise<void> {
    await this.pool.query('UPDATE portals SET rate_limit = $1 WHERE id = $2', [rateLimit, portalId]);
  }

  async getPortalRateLimit(portalId: number): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ rate_limit: string | null }>(
      'SELECT rate_limit FROM portals WHERE id = $1',
      [portalId],
    );
    return rows[0]?.rate_limit ?? undefined;
  }

  async loadDaily(day: number): Promise<DailyRequestCount[]> {
    const { rows } = await this.pool.query<{ portal_id: number; app_id: number; hits: number }>(
      'SELECT portal_id, app_id, hits FROM request_counts_daily WHERE day = $1',
      [day],
    );
    return rows.map((row) => ({ portalId: row.portal_id, appId: row.app_id, hits: row.hits }));
  }

  async saveDaily(day: number, counts: DailyRequestCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.pool.query(
      `INSERT INTO request_counts_daily (portal_id, app_id, day, hits)
       SELECT p, a, $4, h FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS k(p, a, h)
       ON CONFLICT (portal_id, app_id, day) DO UPDATE SET hits = EXCLUDED.hits`,
      [counts.map((c) => c.portalId), counts.map((c) => c.appId), counts.map((c) => c.hits), day],
    );
  }

  async count(hit: RequestCountHit): Promise<RequestCountResult> {
    const [row] = await run<{
      window_count: number;
      daily_count: number;
      granted: number;
      refused_by: string | null;
    }>(this.pool, S.hit, [
      hit.portalId,
      hit.appId,
      hit.second,
      hit.windowSeconds,
      hit.max,
      hit.day,
      hit.dailyMax,
      hit.want ?? 1,
      hit.giveBack?.second ?? 0,
      hit.giveBack?.count ?? 0,
    ]);
    if (!row) throw new Error('request_count_claim returned no row');
    const result: RequestCountResult = {
      windowCount: row.window_count,
      dailyCount: row.daily_count,
      granted: row.granted,
    };
    if (row.refused_by === 'window' || row.refused_by === 'daily') result.refusedBy = row.refused_by;
    return result;
  }
}
