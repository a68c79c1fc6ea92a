/**
 * @module The dashboard: totals for a window and charts from GET /admin/api/dashboard, requests
 * and those not served per bucket, and each channel's calls and latency percentiles. The window
 * selector pairs each span with a bucket size that keeps charts between 24 and 60 points.
 */
import { useMemo, useState } from 'preact/hooks';
import { api, query } from '../api/client';
import type { Dashboard } from '../api/types';
import { Chart, type ChartSeries } from '../components/chart';
import { Choice } from '../components/choice';
import { ErrorList } from '../components/error-list';
import { percent } from '../lib/format';
import { useLoad } from '../lib/use-load';

const WINDOWS = [
  { id: 'hour', label: 'Last hour (1-minute buckets)', spanMs: 3_600_000, bucket: '1m', bucketMs: 60_000 },
  { id: 'day', label: 'Last day (1-hour buckets)', spanMs: 86_400_000, bucket: '1h', bucketMs: 3_600_000 },
  { id: 'week', label: 'Last week (6-hour buckets)', spanMs: 7 * 86_400_000, bucket: '6h', bucketMs: 21_600_000 },
  { id: 'month', label: 'Last 30 days (1-day buckets)', spanMs: 30 * 86_400_000, bucket: '1d', bucketMs: 86_400_000 },
] as const;

function windowQuery(id: string) {
  const w = WINDOWS.find((x) => x.id === id) ?? WINDOWS[1];
  const until = Date.now();
  // Whole buckets, so bucket starts fall on round times.
  const since = Math.floor((until - w.spanMs) / w.bucketMs) * w.bucketMs;
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), bucket: w.bucket };
}

/** Every request to a generation route, and those that did not end in an image. */
function traffic(figures: Dashboard): { times: number[]; series: ChartSeries[] } {
  return {
    times: figures.buckets.map((b) => Date.parse(b.start) / 1000),
    series: [
      { label: 'Requests', color: '#2563eb', values: figures.buckets.map((b) => b.requests) },
      { label: 'Not served', color: '#dc2626', values: figures.buckets.map((b) => b.requests - b.successes) },
    ],
  };
}

const latency = (buckets: Dashboard['channels'][number]['buckets']): ChartSeries[] => [
  { label: 'p50', color: '#16a34a', values: buckets.map((b) => b.p50_ms) },
  { label: 'p95', color: '#d97706', values: buckets.map((b) => b.p95_ms) },
  { label: 'p99', color: '#dc2626', values: buckets.map((b) => b.p99_ms), dash: [6, 4] },
];

export function DashboardPage() {
  const [windowId, setWindowId] = useState('day');
  const { data, error, loading, reload } = useLoad(() => api<Dashboard>('GET', `dashboard${query(windowQuery(windowId))}`), [windowId]);
  // Built once per answer: a chart redraws only when its arrays change.
  const calls = useMemo(() => data && traffic(data), [data]);
  const perChannel = useMemo(
    () => data?.channels.map((c) => ({ ...c, times: c.buckets.map((b) => Date.parse(b.start) / 1000), series: latency(c.buckets) })) ?? [],
    [data],
  );

  return (
    <section aria-busy={loading}>
      <form class="toolbar" onSubmit={(e) => (e.preventDefault(), void reload())}>
        <Choice label="Window" value={windowId} onChange={setWindowId} options={WINDOWS.map((w) => ({ value: w.id, text: w.label }))} />
        <button type="submit">Refresh</button>
      </form>
      <ErrorList error={error} />
      {data && (
        <>
          <dl class="totals">
            <div><dt>Requests</dt><dd>{data.totals.requests}</dd></div>
            <div><dt>Success rate</dt><dd>{percent(data.totals.success_rate)}</dd></div>
            <div><dt>Credits spent</dt><dd>{data.totals.credits_spent}</dd></div>
          </dl>
          {calls && <Chart title="Requests per bucket, and those not served (any status but 200)" times={calls.times} series={calls.series} />}
          {data.channels.length === 0 && <p>No channel was called in this window.</p>}
          {perChannel.map((c) => (
            <Chart key={c.channel} title={`Latency of ${c.channel} (${c.requests} calls, ${c.errors} errors)`} unit="ms" times={c.times} series={c.series} />
          ))}
        </>
      )}
    </section>
  );
}
