/**
 * @module The usage log as the admin API reads it: filtered pages, newest first, by keyset on the
 * row id (stable while rows keep arriving), and the rows of a time window for the dashboard, whose
 * aggregates and percentiles are computed in JS (src/admin/dashboard.ts) because SQLite has no
 * percentile function and PostgreSQL's would make the SQL differ.
 */
import type { Kysely, Selectable } from 'kysely';
import type { UsageEntry, UsageReportRepository } from '../admin-store.js';
import type { UsageAttempt } from '../store.js';
import type { ImageTables } from './image-schema.js';
import type { Database, UsageTable } from './schema.js';

const attemptsOf = (text: string | null): UsageAttempt[] => (text ? (JSON.parse(text) as UsageAttempt[]) : []);

/** One usage-log row as the store returns it; the plain query (misc-repos.ts) drops only the id. */
export function toEntry(r: Selectable<UsageTable>): Omit<UsageEntry, 'hasImage'> {
  return {
    id: Number(r.id),
    requestId: r.request_id,
    keyId: r.key_id,
    endpoint: r.endpoint,
    model: r.model,
    status: r.status,
    errorName: r.error_name,
    channel: r.channel,
    credits: Number(r.credits),
    latencyMs: r.latency_ms,
    ip: r.ip,
    clientId: r.client_id,
    clientUserId: r.client_user_id,
    clientVersion: r.client_version,
    createdAt: Number(r.created_at),
    attempts: attemptsOf(r.attempts),
  };
}

export function usageReportRepository(db: Kysely<Database>): UsageReportRepository {
  return {
    async page(filter) {
      // Columns are qualified: the images table, joined to tell which rows have an image, shares names.
      let q = db
        .withTables<ImageTables>()
        .selectFrom('usage_log')
        .leftJoin('images', 'images.request_id', 'usage_log.request_id')
        .selectAll('usage_log')
        .select('images.request_id as image_request_id')
        .orderBy('usage_log.id', 'desc')
        .limit(filter.limit);
      if (filter.keyId !== undefined) q = q.where('usage_log.key_id', '=', filter.keyId);
      if (filter.model !== undefined) q = q.where('usage_log.model', '=', filter.model);
      if (filter.channel !== undefined) q = q.where('usage_log.channel', '=', filter.channel);
      if (filter.status !== undefined) q = q.where('usage_log.status', '>=', filter.status.min).where('usage_log.status', '<=', filter.status.max);
      if (filter.since !== undefined) q = q.where('usage_log.created_at', '>=', filter.since);
      if (filter.until !== undefined) q = q.where('usage_log.created_at', '<', filter.until);
      if (filter.beforeId !== undefined) q = q.where('usage_log.id', '<', filter.beforeId);
      return (await q.execute()).map((r) => ({ ...toEntry(r), hasImage: r.image_request_id !== null }));
    },
    async window(since, until, limit) {
      const rows = await db
        .selectFrom('usage_log')
        .select(['created_at', 'status', 'credits', 'latency_ms', 'attempts'])
        .where('created_at', '>=', since)
        .where('created_at', '<', until)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ createdAt: Number(r.created_at), status: r.status, credits: Number(r.credits), latencyMs: r.latency_ms, attempts: attemptsOf(r.attempts) }));
    },
  };
}
