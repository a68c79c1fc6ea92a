/**
 * @module A key's ledger, newest first as the API pages it: the first page comes with the key's
 * amounts, and "Older" appends the page after the last row's cursor, so movements arriving
 * meanwhile never shift what is on screen.
 */
import { useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api/client';
import type { Credits, LedgerEntry } from '../api/types';
import { ErrorList } from '../components/error-list';
import { formatTime } from '../lib/format';
import { asApiError } from '../lib/use-load';

export function CreditsLedger({ first }: { first: Credits }) {
  const [older, setOlder] = useState<{ entries: LedgerEntry[]; cursor: string | null; after: Credits }>();
  const [error, setError] = useState<ApiError>();
  // A reload of the first page (a top-up) starts the list over.
  const extra = older?.after === first ? older : undefined;
  const rows = [...first.ledger, ...(extra?.entries ?? [])];
  const cursor = extra ? extra.cursor : first.next_cursor ?? null;

  const loadOlder = async () => {
    if (!cursor) return;
    try {
      const page = await api<Credits>('GET', `keys/${encodeURIComponent(first.key_id)}/credits${query({ cursor })}`);
      setOlder({ entries: [...(extra?.entries ?? []), ...page.ledger], cursor: page.next_cursor ?? null, after: first });
    } catch (failure) {
      setError(asApiError(failure));
    }
  };

  return (
    <>
      <div class="scroll">
        <table aria-label="Ledger">
          <thead>
            <tr>{['Time', 'Kind', 'Amount', 'Balance after', 'Reference', 'Note'].map((h) => <th scope="col" key={h}>{h}</th>)}</tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.at)}</td>
                <td>{e.kind}</td>
                <td class="num">{e.amount}</td>
                <td class="num">{e.balance_after}</td>
                <td class="mono">{e.ref ?? '—'}</td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorList error={error} />
      {cursor && <button type="button" onClick={loadOlder}>Older</button>}
    </>
  );
}
