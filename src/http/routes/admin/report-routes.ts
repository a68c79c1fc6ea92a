/**
 * @module The usage log, filtered and paged newest first by a cursor (the last row's id, so pages
 * stay stable while requests keep arriving), and the dashboard's figures over a time window.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dashboard } from '../../../admin/dashboard.js';
import { formatCredits } from '../../../billing/credits.js';
import { isoTime, usageEntryJson } from '../../../admin/presenters.js';
import type { AdminContext } from './context.js';
import { duration, isoDate, parseInput } from './validate.js';

const DAY_MS = 86_400_000;

/** `200` for one status, `4xx` for a class. */
const status = z
  .string()
  .regex(/^[1-5](\d\d|xx)$/, 'use a status such as 200 or a class such as 4xx')
  .transform((text) => (text.endsWith('xx') ? { min: Number(text[0]) * 100, max: Number(text[0]) * 100 + 99 } : { min: Number(text), max: Number(text) }));

const UsageQuery = z.strictObject({
  key: z.string().optional(),
  model: z.string().optional(),
  channel: z.string().optional(),
  status: status.optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().regex(/^[1-9]\d{0,15}$/, 'use the next_cursor of the previous page').transform(Number).optional(),
});

const DashboardQuery = z.strictObject({ since: isoDate.optional(), until: isoDate.optional(), bucket: duration.default(3_600_000) });

export function registerReportRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/usage', async (request) => {
    const q = parseInput(UsageQuery, request.query, 'query');
    // One row more than asked tells whether another page exists.
    const rows = await ctx.store.usageReports.page({
      keyId: q.key,
      model: q.model,
      channel: q.channel,
      status: q.status,
      since: q.since,
      until: q.until,
      beforeId: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return { usage: page.map(usageEntryJson), next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null };
  });

  app.get('/dashboard', async (request) => {
    const q = parseInput(DashboardQuery, request.query, 'query');
    const until = q.until ?? ctx.now();
    // By default a day back, rounded down to a whole bucket so buckets start at round times.
    const window = { since: q.since ?? Math.floor((until - DAY_MS) / q.bucket) * q.bucket, until, bucketMs: q.bucket };
    const figures = await dashboard(ctx.store, window);
    return {
      since: isoTime(window.since),
      until: isoTime(window.until),
      bucket_seconds: window.bucketMs / 1000,
      totals: {
        requests: figures.totals.requests,
        successes: figures.totals.successes,
        success_rate: figures.totals.successRate,
        credits_spent: formatCredits(figures.totals.creditsSpent),
      },
      buckets: figures.buckets.map((b) => ({ start: isoTime(b.start), requests: b.requests, successes: b.successes, credits_spent: formatCredits(b.creditsSpent) })),
      channels: figures.channels.map((c) => ({
        channel: c.channel,
        requests: c.requests,
        errors: c.errors,
        buckets: c.buckets.map((b) => ({ start: isoTime(b.start), requests: b.requests, errors: b.errors, p50_ms: b.p50, p95_ms: b.p95, p99_ms: b.p99 })),
      })),
    };
  });
}
