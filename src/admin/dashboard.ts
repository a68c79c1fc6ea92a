/**
 * @module Dashboard figures over a time window: totals from the usage rows (requests, successes,
 * success rate, credits spent) and, per channel and time bucket, the calls made to it, the failed
 * ones and their latency percentiles. Per-channel figures come from each row's attempts, so a
 * request that failed over counts against the channel that failed as well as the one that served
 * it, and latency is the channel's own call, not the client's upload. Percentiles are computed
 * here, exactly, by nearest rank over the bucket's values (SQLite has no percentile function).
 */
import { badRequest } from '../errors.js';
import type { UsageSample } from '../store/admin-store.js';
import type { Store } from '../store/store.js';

/** More rows than this in one window is refused, so a dashboard request stays within memory. */
export const MAX_WINDOW_ROWS = 250_000;
export const MAX_BUCKETS = 1_000;

export interface DashboardWindow {
  since: number;
  until: number;
  bucketMs: number;
}

export interface BucketFigures {
  start: number;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Requests to the generation routes in one bucket, whatever their status. */
export interface RequestBucket {
  start: number;
  requests: number;
  successes: number;
  creditsSpent: number;
}

export interface Dashboard {
  totals: { requests: number; successes: number; successRate: number | null; creditsSpent: number };
  buckets: RequestBucket[];
  channels: { channel: string; requests: number; errors: number; buckets: BucketFigures[] }[];
}

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summarise(rows: readonly UsageSample[], window: DashboardWindow): Dashboard {
  const count = Math.ceil((window.until - window.since) / window.bucketMs);
  const perChannel = new Map<string, { latencies: number[][]; errors: number[] }>();
  const buckets: RequestBucket[] = Array.from({ length: count }, (_, i) => ({ start: window.since + i * window.bucketMs, requests: 0, successes: 0, creditsSpent: 0 }));
  let successes = 0;
  let creditsSpent = 0;
  for (const row of rows) {
    if (row.status === 200) successes += 1;
    creditsSpent += row.credits;
    const bucket = Math.floor((row.createdAt - window.since) / window.bucketMs);
    const totals = buckets[bucket]!;
    totals.requests += 1;
    totals.successes += row.status === 200 ? 1 : 0;
    totals.creditsSpent += row.credits;
    for (const attempt of row.attempts) {
      let series = perChannel.get(attempt.channel);
      if (!series) perChannel.set(attempt.channel, (series = { latencies: Array.from({ length: count }, () => []), errors: new Array<number>(count).fill(0) }));
      series.latencies[bucket]!.push(attempt.latencyMs);
      if (attempt.outcome !== 'ok') series.errors[bucket]! += 1;
    }
  }
  const channels = [...perChannel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([channel, series]) => {
      const buckets = series.latencies.map((values, i) => {
        const sorted = [...values].sort((a, b) => a - b);
        return { start: window.since + i * window.bucketMs, requests: values.length, errors: series.errors[i]!, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
      });
      return { channel, requests: buckets.reduce((n, b) => n + b.requests, 0), errors: buckets.reduce((n, b) => n + b.errors, 0), buckets };
    });
  const requests = rows.length;
  return { totals: { requests, successes, successRate: requests === 0 ? null : successes / requests, creditsSpent }, buckets, channels };
}

/** @throws 400 when the window is empty, has too many buckets, or holds too many rows to summarise. */
export async function dashboard(store: Store, window: DashboardWindow): Promise<Dashboard> {
  if (window.until <= window.since) throw badRequest(['until: must be after since']);
  if (Math.ceil((window.until - window.since) / window.bucketMs) > MAX_BUCKETS) throw badRequest([`bucket: the window would have more than ${MAX_BUCKETS} buckets; choose a larger bucket`]);
  const rows = await store.usageReports.window(window.since, window.until, MAX_WINDOW_ROWS + 1);
  if (rows.length > MAX_WINDOW_ROWS) throw badRequest([`since: the window holds more than ${MAX_WINDOW_ROWS} requests; narrow it`]);
  return summarise(rows, window);
}
