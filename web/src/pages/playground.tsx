/**
 * @module The playground: generate one image through the station with an API key (one created in
 * this tab, or pasted), see it, and see what it cost. Credits come off that key like any
 * customer's request, so it doubles as an end-to-end check of routing and billing.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api/client';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { rememberedKeys } from '../lib/key-memory';
import { href } from '../lib/router';
import { asApiError } from '../lib/use-load';
import { usePrices } from '../lib/use-prices';
import { generate, keyIdOf, usageRowOf, type Generated } from './generate';
import { PlaygroundResult, type Cost } from './playground-result';
import { Choice } from '../components/choice';

const PASTE = 'paste';
const RATIOS = ['1:1', '16:9', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21'];

export function PlaygroundPage() {
  const keys = rememberedKeys();
  const prices = usePrices();
  const [keyChoice, setKeyChoice] = useState(keys[0]?.id ?? PASTE);
  const [pasted, setPasted] = useState('');
  const [f, setF] = useState({ model: 'sd3.5-large', prompt: '', negative_prompt: '', aspect_ratio: '1:1', seed: '', output_format: 'png' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<{ generated: Generated; prompt: string }>();
  const [cost, setCost] = useState<Cost>({ state: 'looking' });
  const set = (field: keyof typeof f) => (value: string) => setF({ ...f, [field]: value });
  // The previous image's blob is freed when a new one replaces it or the page closes.
  useEffect(() => () => result && URL.revokeObjectURL(result.generated.url), [result]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const apiKey = keyChoice === PASTE ? pasted.trim() : keys.find((k) => k.id === keyChoice)?.key ?? '';
    setBusy(true);
    setError(undefined);
    try {
      const generated = await generate(apiKey, f);
      setResult({ generated, prompt: f.prompt });
      setCost({ state: 'looking' });
      const keyId = await keyIdOf(apiKey);
      const row = keyId && generated.requestId ? await usageRowOf(keyId, generated.requestId) : undefined;
      setCost(row ? { state: 'found', credits: row.credits } : { state: 'unknown', why: 'not found yet: see the usage log' });
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  const price = prices.find((p) => p.model === f.model)?.credits;
  return (
    <section>
      <form class="panel" onSubmit={submit} aria-label="Generate an image">
        <div class="row">
          <Choice label="API key" value={keyChoice} onChange={setKeyChoice} options={[...keys.map((k) => ({ value: k.id, text: `${k.name ?? 'unnamed'} (${k.id})` })), { value: PASTE, text: 'Paste a key…' }]} />
          {keyChoice === PASTE && <Field label="Pasted API key" type="password" value={pasted} onInput={setPasted} required placeholder="sk-…" />}
          <Choice label="Model" value={f.model} onChange={set('model')} options={(prices.length ? prices.map((p) => p.model) : [f.model]).map((m) => ({ value: m, text: m }))} />
          <Choice label="Aspect ratio" value={f.aspect_ratio} onChange={set('aspect_ratio')} options={RATIOS.map((r) => ({ value: r, text: r }))} />
          <Field label="Seed" type="number" value={f.seed} onInput={set('seed')} placeholder="0 (random)" />
          <Choice label="Output format" value={f.output_format} onChange={set('output_format')} options={['png', 'jpeg', 'webp'].map((x) => ({ value: x, text: x }))} />
        </div>
        {keys.length === 0 && <p class="hint">Keys created on the <a href={href('keys')}>Keys</a> page in this tab appear here; otherwise paste one.</p>}
        <Field label="Prompt" value={f.prompt} onInput={set('prompt')} rows={3} maxLength={10000} required wide />
        <Field label="Negative prompt" value={f.negative_prompt} onInput={set('negative_prompt')} rows={2} maxLength={10000} wide />
        <ErrorList error={error} />
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Generating…' : 'Generate'}</button>
        {price && <span class="hint"> {f.model} costs {price} credits per image.</span>}
      </form>
      {result && <PlaygroundResult result={result.generated} cost={cost} prompt={result.prompt} />}
    </section>
  );
}
