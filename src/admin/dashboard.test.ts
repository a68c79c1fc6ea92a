/** @module Tests for the dashboard's arithmetic: nearest-rank percentiles and per-channel buckets from attempts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageSample } from '../store/admin-store.js';
import { percentile, summarise } from './dashboard.js';

describe('dashboard figures', () => {
  it('percentiles by nearest rank, exact on small sets', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual([50, 95, 99, 100].map((p) => percentile(hundred, p)), [50, 95, 99, 100]);
    assert.deepEqual([50, 95, 99].map((p) => percentile([100, 200, 300, 400], p)), [200, 400, 400]);
    assert.deepEqual([50, 95, 99].map((p) => percentile([7], p)), [7, 7, 7]);
    assert.equal(percentile([], 50), null);
  });

  it('counts each channel attempt in its own bucket; totals come from the requests', () => {
    const sample = (createdAt: number, status: number, credits: number, attempts: [string, string, number][]): UsageSample => ({
      createdAt,
      status,
      credits,
      latencyMs: 1,
      attempts: attempts.map(([channel, outcome, latencyMs]) => ({ channel, outcome, latencyMs, status: outcome === 'ok' ? 200 : 503 })),
    });
    const rows = [
      sample(0, 200, 6_500, [['b', 'ok', 30]]),
      sample(5, 200, 3_500, [['a', 'http_503', 10], ['b', 'ok', 20]]),
      sample(10, 401, 0, []),
      sample(15, 502, 0, [['a', 'broken', 40]]),
    ];
    const figures = summarise(rows, { since: 0, until: 20, bucketMs: 10 });
    assert.deepEqual(figures.totals, { requests: 4, successes: 2, successRate: 0.5, creditsSpent: 10_000 });
    assert.deepEqual(figures.buckets, [
      { start: 0, requests: 2, successes: 2, creditsSpent: 10_000 },
      { start: 10, requests: 2, successes: 0, creditsSpent: 0 },
    ]);
    assert.deepEqual(
      figures.channels.map((c) => [c.channel, c.requests, c.errors, c.buckets.map((b) => [b.start, b.requests, b.errors, b.p50, b.p99])]),
      [
        ['a', 2, 2, [[0, 1, 1, 10, 10], [10, 1, 1, 40, 40]]],
        ['b', 2, 0, [[0, 2, 0, 20, 30], [10, 0, 0, null, null]]],
      ],
    );
    assert.deepEqual(summarise([], { since: 0, until: 20, bucketMs: 10 }).totals, { requests: 0, successes: 0, successRate: null, creditsSpent: 0 });
  });
});
