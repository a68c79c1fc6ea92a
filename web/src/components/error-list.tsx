/**
 * @module Shows an API error as the station wrote it: its name, then every `errors[]` entry (each
 * already names its field). An alert, so screen readers announce it when it appears.
 */
import type { ApiError } from '../api/client';

export function ErrorList({ error }: { error: ApiError | undefined | null }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.code}</strong>
      {error.errors.length > 0 && (
        <ul>
          {error.errors.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
