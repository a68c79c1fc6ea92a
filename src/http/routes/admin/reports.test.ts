/**
 * @module The usage log and the dashboard through the admin API, over a known set of usage rows,
 * on SQLite and, when DATABASE_URL is set, on PostgreSQL: every filter, keyset pages that stay
 * put while new rows arrive, and dashboard figures computed by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshPostgresStore, postgresOrSkip } from '../../../../test/helpers/postgres.js';
import type { Store, UsageRow } from '../../../store/store.js';
import { adminStation, assertError, call, json, type AdminStation } from './test-admin-kit.js';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const MIN = 60_000;
type Attempt = [channel: string, outcome: string, latencyMs: number];

function row(requestId: string, at: number, keyId: string | null, model: string | null, status: number, channel: string | null, credits: number, attempts: Attempt[]): UsageRow {
  return {
    requestId, keyId, model, status, channel, credits, createdAt: T0 + at * MIN, endpoint: 'sd3', errorName: status === 200 ? null : 'some_error', latencyMs: 1_000,
    ip: '127.0.0.1', clientId: null, clientUserId: null, clientVersion: null,
    attempts: attempts.map(([c, outcome, latencyMs]) => ({ channel: c, outcome, latencyMs, status: outcome === 'ok' ? 200 : 503 })),
  };
}

/** Inserted in this order, so ids rise down the list; r9 is before the window, r8 after it. */
const ROWS = [
  row('r9', -1, 'key_b', 'sd3-large', 200, 'alpha', 6_500, [['alpha', 'ok', 999]]),
  row('r1', 1, 'key_a', 'sd3-large', 200, 'alpha', 6_500, [['alpha', 'ok', 100]]),
  row('r2', 2, 'key_a', 'sd3-large', 200, 'alpha', 6_500, [['alpha', 'ok', 200]]),
  row('r3', 3, 'key_b', 'sd3-medium', 200, 'beta', 3_500, [['alpha', 'http_503', 50], ['beta', 'ok', 300]]),
  row('r4', 10, 'key_b', 'sd3-medium', 402, null, 0, []),
  row('r5', 70, 'key_a', 'sd3-large', 502, 'alpha', 0, [['alpha', 'broken', 400]]),
  row('r6', 80, null, null, 401, null, 0, []),
  row('r7', 90, 'key_a', 'sd3-large', 200, 'alpha', 6_500, [['alpha', 'ok', 500]]),
  row('r8', 180, 'key_b', 'sd3-large', 200, 'alpha', 6_500, [['alpha', 'ok', 999]]),
];

const target = await postgresOrSkip();
const backends: { name: string; open?: () => Promise<Store>; skip?: string }[] = [
  { name: 'SQLite' },
  { name: 'PostgreSQL', open: target.url === undefined ? undefined : () => freshPostgresStore(target.url!), skip: target.skip },
];

for (const backend of backends) {
  describe(`admin API reports on ${backend.name}`, { skip: backend.skip }, () => {
    async function withRows(run: (station: AdminStation, get: (url: string) => Promise<Record<string, unknown>>) => Promise<void>) {
      const station = await adminStation({ store: backend.open ? await backend.open() : undefined });
      try {
        for (const r of ROWS) await station.store.usage.insert(r);
        await run(station, async (url) => json(await call(station, 'GET', url, { token: station.adminToken })));
      } finally {
        await station.close();
      }
    }
    const ids = (body: Record<string, unknown>) => (body.usage as { request_id: string }[]).map((u) => u.request_id);
    const iso = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

    it('filters by key, model, channel, status and time, newest first', () =>
      withRows(async (_station, get) => {
        assert.deepEqual(ids(await get('/usage')), ['r8', 'r7', 'r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r9']);
        assert.deepEqual(ids(await get('/usage?key=key_a')), ['r7', 'r5', 'r2', 'r1']);
        assert.deepEqual(ids(await get('/usage?model=sd3-medium')), ['r4', 'r3']);
        assert.deepEqual(ids(await get('/usage?channel=alpha')), ['r8', 'r7', 'r5', 'r2', 'r1', 'r9']);
        assert.deepEqual(ids(await get('/usage?status=4xx')), ['r6', 'r4']);
        assert.deepEqual(ids(await get('/usage?status=502')), ['r5']);
        assert.deepEqual(ids(await get(`/usage?since=${iso(0)}&until=${iso(60)}`)), ['r4', 'r3', 'r2', 'r1']);
        assert.deepEqual(ids(await get(`/usage?key=key_a&status=200&since=${iso(0)}&until=${iso(120)}`)), ['r7', 'r2', 'r1']);
        const first = (await get('/usage?key=key_b&limit=1')).usage as Record<string, unknown>[];
        assert.deepEqual(first[0], {
          id: 9, at: iso(180), request_id: 'r8', key_id: 'key_b', endpoint: 'sd3', model: 'sd3-large', channel: 'alpha', status: 200, error: null,
          credits: '6.5', latency_ms: 1_000, ip: '127.0.0.1', client_id: null, attempts: [{ channel: 'alpha', status: 200, outcome: 'ok', latency_ms: 999 }],
          image_url: null,
        });
      }));

    it('pages by cursor; rows arriving meanwhile do not shift later pages', () =>
      withRows(async (station, get) => {
        const page1 = await get('/usage?limit=3');
        assert.deepEqual(ids(page1), ['r8', 'r7', 'r6']);
        await station.store.usage.insert(row('new', 200, 'key_a', 'sd3-large', 200, 'alpha', 6_500, []));
        const page2 = await get(`/usage?limit=3&cursor=${page1.next_cursor as string}`);
        assert.deepEqual(ids(page2), ['r5', 'r4', 'r3']);
        const page3 = await get(`/usage?limit=3&cursor=${page2.next_cursor as string}`);
        assert.deepEqual(ids(page3), ['r2', 'r1', 'r9']);
        assert.equal(page3.next_cursor, null);
        assert.deepEqual(ids(await get('/usage?limit=2&key=key_a')), ['new', 'r7']);
      }));

    it('refuses bad queries, naming each parameter', () =>
      withRows(async (station) => {
        const errors = assertError(await call(station, 'GET', '/usage?limit=0&status=abc&cursor=x&since=yesterday&colour=red', { token: station.adminToken }), 400, 'bad_request');
        assert.deepEqual(errors.map((e) => e.split(':')[0]).sort(), ['colour', 'cursor', 'limit', 'since', 'status']);
        assertError(await call(station, 'GET', `/dashboard?since=${iso(60)}&until=${iso(0)}`, { token: station.adminToken }), 400, 'bad_request', /^until: /);
        assertError(await call(station, 'GET', `/dashboard?bucket=1s&since=${iso(0)}&until=${iso(120)}`, { token: station.adminToken }), 400, 'bad_request', /^bucket: /);
      }));

    it('dashboard: totals and per-channel buckets match the rows', () =>
      withRows(async (_station, get) => {
        const body = await get(`/dashboard?since=${iso(0)}&until=${iso(120)}&bucket=1h`);
        assert.deepEqual(body.totals, { requests: 7, successes: 4, success_rate: 4 / 7, credits_spent: '23' });
        assert.equal(body.bucket_seconds, 3600);
        const buckets = body.buckets as { start: string; requests: number; successes: number; credits_spent: string }[];
        assert.deepEqual(buckets.map((b) => b.start), [iso(0), iso(60)]);
        assert.deepEqual([buckets.reduce((n, b) => n + b.requests, 0), buckets.reduce((n, b) => n + b.successes, 0), buckets.reduce((n, b) => n + Number(b.credits_spent), 0)], [7, 4, 23]);
        const blank = { requests: 0, errors: 0, p50_ms: null, p95_ms: null, p99_ms: null };
        assert.deepEqual(body.channels, [
          {
            channel: 'alpha', requests: 5, errors: 2,
            buckets: [
              { start: iso(0), requests: 3, errors: 1, p50_ms: 100, p95_ms: 200, p99_ms: 200 },
              { start: iso(60), requests: 2, errors: 1, p50_ms: 400, p95_ms: 500, p99_ms: 500 },
            ],
          },
          { channel: 'beta', requests: 1, errors: 0, buckets: [{ start: iso(0), requests: 1, errors: 0, p50_ms: 300, p95_ms: 300, p99_ms: 300 }, { start: iso(60), ...blank }] },
        ]);
        // Without since: a day back from until, rounded down to a whole bucket.
        const day = await get(`/dashboard?until=${iso(150)}`);
        assert.deepEqual([day.since, (day.totals as { requests: number }).requests], [iso(120 - 24 * 60), 8]);
        assert.equal((day.channels as { buckets: unknown[] }[])[0]!.buckets.length, 25);
      }));
  });
}
