/**
 * @module The key form, for creating a key (name, starting credits and limits) and for editing
 * one's limits (PATCH). On edit an emptied field is sent as null, which the API reads as "clear
 * it"; on create it is left out, so the API's default applies.
 */
import { useState } from 'preact/hooks';
import type { ApiError } from '../api/client';
import type { ApiKey } from '../api/types';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { ModelPicker } from '../components/model-picker';
import { fromLocalInput, toLocalInput } from '../lib/format';
import { asApiError } from '../lib/use-load';
import { usePrices } from '../lib/use-prices';

export type KeyBody = Record<string, string | string[] | null>;

export function KeyForm(props: { editing?: ApiKey; onSubmit: (body: KeyBody) => Promise<void>; onCancel?: () => void }) {
  const key = props.editing;
  const prices = usePrices();
  const [name, setName] = useState(key?.name ?? '');
  const [credits, setCredits] = useState('');
  const [rate, setRate] = useState(key?.rate_limit ?? '');
  const [models, setModels] = useState<string[]>(key?.models ?? []);
  const [expires, setExpires] = useState(toLocalInput(key?.expires_at));
  const [cap, setCap] = useState(key?.cap ?? '');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const empty = key ? null : undefined;
    const body: Record<string, string | string[] | null | undefined> = {
      name: name.trim() || undefined,
      credits: key ? undefined : credits.trim() || undefined,
      rate_limit: rate.trim() || empty,
      models: models.length ? models : empty,
      expires_at: fromLocalInput(expires) ?? empty,
      cap: cap.trim() || empty,
    };
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as KeyBody);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" onSubmit={submit} aria-label={key ? `Edit key ${key.name ?? key.id}` : 'Create a key'}>
      <h2>{key ? `Edit ${key.name ?? key.id}` : 'Create a key'}</h2>
      <div class="row">
        <Field label="Name" value={name} onInput={setName} />
        {!key && <Field label="Credits" value={credits} onInput={setCredits} inputMode="decimal" placeholder="0" hint="Starting balance, e.g. 10 or 6.5" />}
        <Field label="Rate limit" value={rate} onInput={setRate} placeholder="5/10s" hint="Requests per window; empty: the station default" />
        <Field label="Expires" type="datetime-local" value={expires} onInput={setExpires} hint="Local time; empty: never" />
        <Field label="Spending cap" value={cap} onInput={setCap} inputMode="decimal" hint="Lifetime credits; empty: none" />
      </div>
      <ModelPicker prices={prices} selected={models} onChange={setModels} />
      <ErrorList error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {key ? 'Save changes' : 'Create key'}
      </button>{' '}
      {props.onCancel && (
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      )}
    </form>
  );
}
