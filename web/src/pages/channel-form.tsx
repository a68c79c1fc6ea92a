/**
 * @module The add-channel form (POST /admin/api/channels). Empty fields are left out, so the
 * provider's defaults apply (base URL, every model, priority 0, weight 1, no concurrency cap).
 * Credentials go in through a password field and never come back: the API answers a masked hint.
 */
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import { Choice } from '../components/choice';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { optionalNumber, parseList } from '../lib/format';
import { asApiError } from '../lib/use-load';

const PROVIDERS = ['stability', 'replicate', 'fireworks', 'comfyui', 'a1111', 'sandbox'];

export function ChannelForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const [provider, setProvider] = useState('stability');
  const [v, setV] = useState({ name: '', base_url: '', credentials: '', models: '', priority: '', weight: '', max_concurrency: '', timeout_seconds: '' });
  const [error, setError] = useState<ApiError>();
  const set = (field: keyof typeof v) => (value: string) => setV({ ...v, [field]: value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const body = {
      provider,
      name: v.name.trim(),
      base_url: v.base_url.trim() || undefined,
      credentials: v.credentials || undefined,
      models: parseList(v.models) ?? undefined,
      priority: optionalNumber(v.priority),
      weight: optionalNumber(v.weight),
      max_concurrency: optionalNumber(v.max_concurrency),
      timeout_seconds: optionalNumber(v.timeout_seconds),
    };
    try {
      await api('POST', 'channels', body);
      setV({ name: '', base_url: '', credentials: '', models: '', priority: '', weight: '', max_concurrency: '', timeout_seconds: '' });
      await onAdded();
    } catch (failure) {
      setError(asApiError(failure));
    }
  };

  return (
    <form class="panel" onSubmit={submit} aria-label="Add a channel">
      <h2>Add a channel</h2>
      <div class="row">
        <Choice label="Provider" value={provider} onChange={setProvider} options={PROVIDERS.map((p) => ({ value: p, text: p }))} />
        <Field label="Name" value={v.name} onInput={set('name')} required />
        <Field label="Base URL" type="url" value={v.base_url} onInput={set('base_url')} hint="Empty: the provider's default" />
        <Field label="Credentials" type="password" value={v.credentials} onInput={set('credentials')} autoComplete="new-password" />
        <Field label="Models" value={v.models} onInput={set('models')} hint="Comma-separated; empty: every model" />
        <Field label="Priority" type="number" value={v.priority} onInput={set('priority')} placeholder="0" />
        <Field label="Weight" type="number" value={v.weight} onInput={set('weight')} placeholder="1" />
        <Field label="Max concurrency" type="number" value={v.max_concurrency} onInput={set('max_concurrency')} hint="Empty: no cap" />
        <Field label="Timeout (seconds)" type="number" value={v.timeout_seconds} onInput={set('timeout_seconds')} />
      </div>
      <ErrorList error={error} />
      <button type="submit" class="primary">Add channel</button>
    </form>
  );
}
