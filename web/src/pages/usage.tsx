/**
 * @module The usage log (GET /admin/api/usage), newest first, with filters and keyset paging: the
 * "Older" button asks for the page after the last row's cursor and appends it, so rows arriving
 * meanwhile never shift what is on screen.
 */
import { useState } from 'preact/hooks';
import { api, query, type ApiError } from '../api/client';
import type { ApiKey, UsagePage as Page, UsageRow } from '../api/types';
import { Choice } from '../components/choice';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { fromLocalInput } from '../lib/format';
import { asApiError, useLoad } from '../lib/use-load';
import { usePrices } from '../lib/use-prices';
import { UsageTable } from './usage-table';

const EMPTY = { key: '', model: '', channel: '', status: '', since: '', until: '' };
type Filters = typeof EMPTY;

const queryOf = (f: Filters, cursor?: string) =>
  query({ key: f.key, model: f.model, channel: f.channel.trim(), status: f.status.trim(), since: fromLocalInput(f.since), until: fromLocalInput(f.until), limit: 50, cursor });

export function UsagePage() {
  const keys = useLoad(() => api<{ keys: ApiKey[] }>('GET', 'keys'), []);
  const prices = usePrices();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [older, setOlder] = useState<{ rows: UsageRow[]; cursor: string | null }>();
  const [olderError, setOlderError] = useState<ApiError>();
  const first = useLoad(() => api<Page>('GET', `usage${queryOf(applied)}`), [applied]);
  const set = (field: keyof Filters) => (value: string) => setDraft({ ...draft, [field]: value });

  const rows = [...(first.data?.usage ?? []), ...(older?.rows ?? [])];
  const cursor = older ? older.cursor : first.data?.next_cursor ?? null;
  const loadOlder = async () => {
    if (!cursor) return;
    try {
      const page = await api<Page>('GET', `usage${queryOf(applied, cursor)}`);
      setOlder({ rows: [...(older?.rows ?? []), ...page.usage], cursor: page.next_cursor });
    } catch (failure) {
      setOlderError(asApiError(failure));
    }
  };
  const apply = (filters: Filters) => {
    setOlder(undefined);
    setOlderError(undefined);
    setApplied({ ...filters });
  };

  return (
    <section>
      <form class="panel" aria-label="Filter the usage log" onSubmit={(e) => (e.preventDefault(), apply(draft))}>
        <div class="row">
          <Choice label="Key" value={draft.key} onChange={set('key')} options={[{ value: '', text: 'Any key' }, ...(keys.data?.keys.map((k) => ({ value: k.id, text: `${k.name ?? 'unnamed'} (${k.id})` })) ?? [])]} />
          <Choice label="Model" value={draft.model} onChange={set('model')} options={[{ value: '', text: 'Any model' }, ...prices.map((p) => ({ value: p.model, text: p.model }))]} />
          <Field label="Channel" value={draft.channel} onInput={set('channel')} />
          <Field label="Status" value={draft.status} onInput={set('status')} placeholder="200 or 4xx" />
          <Field label="Since" type="datetime-local" value={draft.since} onInput={set('since')} />
          <Field label="Until" type="datetime-local" value={draft.until} onInput={set('until')} />
        </div>
        <button type="submit" class="primary">Apply filters</button>{' '}
        <button type="button" onClick={() => (setDraft(EMPTY), apply(EMPTY))}>Clear</button>
      </form>
      <ErrorList error={first.error ?? olderError} />
      <UsageTable rows={rows} />
      {first.data && rows.length === 0 && <p>No requests match.</p>}
      {cursor && <button type="button" onClick={loadOlder}>Older</button>}
    </section>
  );
}
