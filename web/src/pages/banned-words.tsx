/**
 * @module Banned words and phrases: a prompt containing one is refused with 403
 * content_moderation and not charged. The station stores them trimmed and lowercased, so the list
 * shows what it will match, not what was typed.
 */
import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api/client';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorList } from '../components/error-list';
import { Field } from '../components/field';
import { asApiError, useLoad } from '../lib/use-load';

export function BannedWordsPage() {
  const { data, error, reload } = useLoad(() => api<{ words: string[] }>('GET', 'banned-words'), []);
  const [word, setWord] = useState('');
  const [status, setStatus] = useState('');
  const [actionError, setActionError] = useState<ApiError>();

  const run = async (action: () => Promise<string>) => {
    setActionError(undefined);
    try {
      setStatus(await action());
    } catch (failure) {
      setActionError(asApiError(failure));
    }
    await reload();
  };
  const add = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const answer = await api<{ word: string; added: boolean }>('POST', 'banned-words', { word });
      setWord('');
      return answer.added ? `Added "${answer.word}".` : `"${answer.word}" was already banned.`;
    });
  };
  const remove = (w: string) => run(async () => (await api('DELETE', `banned-words/${encodeURIComponent(w)}`), `Removed "${w}".`));

  return (
    <section>
      <form class="panel" onSubmit={add} aria-label="Ban a word">
        <div class="row">
          <Field label="Word or phrase" value={word} onInput={setWord} required hint="Matched case-insensitively as whole words" />
        </div>
        <button type="submit" class="primary">Ban it</button>
      </form>
      <ErrorList error={error ?? actionError} />
      <p role="status">{status}</p>
      {data && data.words.length === 0 && <p>No banned words.</p>}
      <ul class="words" aria-label="Banned words">
        {data?.words.map((w) => (
          <li key={w}>
            <span>{w}</span> <ConfirmButton label="Remove" question={`Allow "${w}" again?`} onConfirm={() => remove(w)} />
          </li>
        ))}
      </ul>
    </section>
  );
}
