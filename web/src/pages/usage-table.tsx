/**
 * @module The usage log as a table, one row per request to a generation route. Where the station
 * kept the image (rows carry `image_url`), a thumbnail links to the full picture; the URL is under
 * /admin/api, so the session cookie opens it and nobody else can.
 */
import type { UsageRow } from '../api/types';
import { formatTime } from '../lib/format';
import { UsageThumb } from './usage-thumb';

const HEADINGS = ['Time', 'Request id', 'Key', 'Endpoint', 'Model', 'Status', 'Error', 'Channel', 'Credits', 'Latency (ms)', 'Image'];

export function UsageTable({ rows }: { rows: UsageRow[] }) {
  return (
    <div class="scroll">
      <table class="usage">
        <thead>
          <tr>{HEADINGS.map((h) => <th scope="col" key={h}>{h}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-request-id={r.request_id}>
              <td>{formatTime(r.at)}</td>
              <td class="mono">{r.request_id}</td>
              <td class="mono">{r.key_id ?? '—'}</td>
              <td class="mono">{r.endpoint}</td>
              <td>{r.model ?? '—'}</td>
              <td><span class={`badge ${r.status === 200 ? 'active' : 'revoked'}`}>{r.status}</span></td>
              <td>{r.error ?? ''}</td>
              <td>{r.channel ?? '—'}</td>
              <td class="num">{r.credits}</td>
              <td class="num">{r.latency_ms}</td>
              <td>
                {r.image_url ? <UsageThumb url={r.image_url} requestId={r.request_id} /> : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
