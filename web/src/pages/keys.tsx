/**
 * @module Keys: the list with balances and limits, the create form (its answer is the only one
 * carrying the plaintext, shown once and remembered in this tab for the playground), editing a
 * key's limits, and revoking it (asked first; the station keeps the row for its ledger).
 */
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import type { ApiKey, CreatedKey } from '../api/types';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorList } from '../components/error-list';
import { formatTime } from '../lib/format';
import { rememberKey } from '../lib/key-memory';
import { href } from '../lib/router';
import { asApiError, useLoad } from '../lib/use-load';
import { KeyForm, type KeyBody } from './key-form';
import { KeySecret } from './key-secret';

export function KeysPage() {
  const { data, error, reload } = useLoad(() => api<{ keys: ApiKey[] }>('GET', 'keys'), []);
  const [created, setCreated] = useState<CreatedKey>();
  const [editing, setEditing] = useState<ApiKey>();
  const [actionError, setActionError] = useState<ApiError>();

  const create = async (body: KeyBody) => {
    const key = await api<CreatedKey>('POST', 'keys', body);
    rememberKey({ id: key.id, name: key.name, key: key.key });
    setCreated(key);
    await reload();
  };
  const save = async (id: string, body: KeyBody) => {
    await api('PATCH', `keys/${encodeURIComponent(id)}`, body);
    setEditing(undefined);
    await reload();
  };
  const revoke = async (id: string) => {
    setActionError(undefined);
    await api('DELETE', `keys/${encodeURIComponent(id)}`).catch((e: unknown) => setActionError(asApiError(e)));
    await reload();
  };

  return (
    <section>
      {created && <KeySecret created={created} onDone={() => setCreated(undefined)} />}
      <KeyForm key={created?.id ?? 'new'} onSubmit={create} />
      <h2>All keys</h2>
      <ErrorList error={error ?? actionError} />
      {editing && <KeyForm key={editing.id} editing={editing} onSubmit={(body) => save(editing.id, body)} onCancel={() => setEditing(undefined)} />}
      <div class="scroll">
        <table>
          <thead>
            <tr>
              {['Name', 'Id', 'Key', 'Status', 'Available', 'Spent', 'Cap', 'Rate limit', 'Models', 'Expires', 'Actions'].map((h) => (
                <th scope="col" key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data?.keys.map((k) => (
              <tr key={k.id}>
                <th scope="row">{k.name ?? '—'}</th>
                <td class="mono">{k.id}</td>
                <td class="mono">{k.display}</td>
                <td><span class={`badge ${k.status}`}>{k.status}</span></td>
                <td class="num">{k.available}</td>
                <td class="num">{k.spent}</td>
                <td class="num">{k.cap ?? '—'}</td>
                <td>{k.rate_limit ?? 'default'}</td>
                <td>{k.models?.join(', ') ?? 'all'}</td>
                <td>{formatTime(k.expires_at)}</td>
                <td class="actions">
                  <a href={href('credits', k.id)}>Credits</a>{' '}
                  {k.status !== 'revoked' && (
                    <>
                      <button type="button" onClick={() => setEditing(k)} aria-label={`Edit ${k.name ?? k.id}`}>Edit</button>{' '}
                      <ConfirmButton label="Revoke" question={`Revoke ${k.name ?? k.id}? It stops working at once.`} onConfirm={() => revoke(k.id)} />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data?.keys.length === 0 && <p>No keys yet.</p>}
    </section>
  );
}
