/**
 * @module The one way the console calls the admin API: JSON in and out, the session's CSRF token
 * on every state-changing request (the API refuses them without it), and any 401 sends the
 * operator back to the sign-in page, wherever it happens. Errors keep the API's `errors[]`, which
 * already name the failing fields, so pages show them as they are.
 */

/** The station's error body, `{id, name, errors[]}`, as an exception. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly errors: readonly string[],
    readonly requestId?: string,
  ) {
    super(errors.join('; ') || code);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let unauthorized: () => void = () => {};

/** Set at sign-in (and from GET /session after a reload); cleared at sign-out. */
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

export const onUnauthorized = (handler: () => void) => {
  unauthorized = handler;
};

/** Reads an error answer in the station's shape; anything else (a proxy's page) becomes one line. */
export async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { id?: string; name?: string; errors?: unknown; message?: unknown };
    const errors = Array.isArray(body.errors) ? body.errors.map(String) : typeof body.message === 'string' ? [body.message] : [];
    return new ApiError(response.status, body.name ?? `http_${response.status}`, errors, body.id);
  } catch {
    return new ApiError(response.status, `http_${response.status}`, [`the station answered ${response.status} ${response.statusText}`]);
  }
}

const SAFE = new Set(['GET', 'HEAD']);

/**
 * Calls `/admin/api/<path>` (relative to the console's own URL, so a path prefix in front of the
 * station keeps working). `signIn` is for the login call, whose 401 is a wrong password.
 * @throws ApiError for every non-2xx answer.
 */
export async function api<T>(method: string, path: string, body?: unknown, options: { signIn?: boolean; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`api/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !options.signIn) unauthorized();
    throw error;
  }
  return (await response.json()) as T;
}

/** Builds a query string from the set fields only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
