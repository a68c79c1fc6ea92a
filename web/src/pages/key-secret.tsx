/**
 * @module The one time a key's plaintext is shown: right after it is created, in a box that says
 * so. The station keeps only its hash, so a key not copied now is lost (revoke it, make another).
 */
import { useState } from 'preact/hooks';
import type { CreatedKey } from '../api/types';
import { href } from '../lib/router';

export function KeySecret({ created, onDone }: { created: CreatedKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the key and copy it by hand.');
    }
  };
  return (
    <section class="secret" role="status" aria-labelledby="secret-title">
      <h2 id="secret-title">Copy it now: this key is shown only once</h2>
      <p>
        Key <code>{created.id}</code> ({created.name ?? 'unnamed'}) holds {created.balance} credits. The station keeps only a hash of it; it
        stays in this tab's memory for the <a href={href('playground')}>playground</a> until you reload or sign out.
      </p>
      <div class="field">
        <label for="new-api-key">New API key</label>
        <input id="new-api-key" type="text" readOnly value={created.key} onFocus={(e) => e.currentTarget.select()} class="mono" />
      </div>
      <button type="button" onClick={copy}>
        Copy
      </button>{' '}
      <button type="button" onClick={onDone}>
        I have saved it
      </button>
      {copied && <p>{copied}</p>}
    </section>
  );
}
