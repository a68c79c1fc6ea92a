/**
 * @module Credits of one key (`#/credits/<key id>`): its amounts, the top-up form (a negative
 * amount removes spendable credits, as the API allows) and its ledger, newest first. The amounts
 * are the API's decimal strings, shown untouched.
 */
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import type { ApiKey, Credits } from '../api/types';
import { Choice } from '../components/choice';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { navigate } from '../lib/router';
import { asApiError, useLoad } from '../lib/use-load';
import { CreditsLedger } from './credits-ledger';
import type { PageProps } from './index';

export function CreditsPage({ params }: PageProps) {
  const keys = useLoad(() => api<{ keys: ApiKey[] }>('GET', 'keys'), []);
  const keyId = params[0] ?? keys.data?.keys[0]?.id;
  const credits = useLoad(() => (keyId ? api<Credits>('GET', `keys/${encodeURIComponent(keyId)}/credits`) : Promise.resolve(undefined)), [keyId]);
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<ApiError>();
  // One idempotency key per change: a resubmission of the same form after a failure (a timeout, a
  // double click) reuses it, so the station applies the top-up once; a new change gets a new key.
  const [pending, setPending] = useState<{ key: string; change: string }>();

  const topUp = async (event: Event) => {
    event.preventDefault();
    if (!keyId) return;
    setError(undefined);
    setResult(undefined);
    const body = { amount: amount.trim(), ...(note.trim() ? { note: note.trim() } : {}) };
    const change = JSON.stringify([keyId, body]);
    const attempt = pending?.change === change ? pending : { key: crypto.randomUUID(), change };
    setPending(attempt);
    try {
      const answer = await api<{ added: string; balance: string }>('POST', `keys/${encodeURIComponent(keyId)}/credits`, body, { headers: { 'idempotency-key': attempt.key } });
      setPending(undefined);
      setResult(`Added ${answer.added} credits; the balance is now ${answer.balance}.`);
      setAmount('');
      setNote('');
      await credits.reload();
    } catch (failure) {
      setError(asApiError(failure));
    }
  };

  const c = credits.data;
  return (
    <section>
      <Choice
        label="Key"
        value={keyId ?? ''}
        onChange={(id) => navigate('credits', id)}
        options={keys.data?.keys.map((k) => ({ value: k.id, text: `${k.name ?? 'unnamed'} (${k.display}, ${k.id})${k.status !== 'active' ? ` [${k.status}]` : ''}` })) ?? []}
      />
      <ErrorList error={keys.error ?? credits.error} />
      {keys.data?.keys.length === 0 && <p>No keys yet.</p>}
      {c && (
        <>
          <dl class="totals" aria-label="Credits">
            <div><dt>Balance</dt><dd>{c.balance}</dd></div>
            <div><dt>Held</dt><dd>{c.held}</dd></div>
            <div><dt>Available</dt><dd>{c.available}</dd></div>
            <div><dt>Spent</dt><dd>{c.spent}</dd></div>
            <div><dt>Cap</dt><dd>{c.cap ?? 'none'}</dd></div>
          </dl>
          <form class="panel" onSubmit={topUp} aria-label="Top up">
            <h2>Top up</h2>
            <div class="row">
              <Field label="Amount" value={amount} onInput={setAmount} inputMode="decimal" required hint="Credits, e.g. 25 or 6.5; negative removes" />
              <Field label="Note" value={note} onInput={setNote} />
            </div>
            <ErrorList error={error} />
            <button type="submit" class="primary">Add credits</button>
            {result && <p role="status">{result}</p>}
          </form>
          <h2>Ledger</h2>
          <CreditsLedger first={c} />
        </>
      )}
    </section>
  );
}
