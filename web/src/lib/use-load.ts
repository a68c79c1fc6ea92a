/**
 * @module Loads something from the API for a page, keeps the last good answer while reloading
 * (so a refresh every few seconds never blanks a table), and ignores answers that arrive after a
 * newer request started or after the page closed.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'network_error', [error instanceof Error ? error.message : String(error)]);
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const open = useRef(true);
  useEffect(() => () => void (open.current = false), []);

  // The caller's deps, not the closure's identity (new on every render), decide when to load again.
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const value = await run();
      if (open.current && ticket === latest.current) {
        setData(value);
        setError(undefined);
      }
    } catch (failure) {
      if (open.current && ticket === latest.current) setError(asApiError(failure));
    } finally {
      if (open.current && ticket === latest.current) setLoading(false);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** Calls `tick` every `ms` while the page is open and the tab visible. */
export function useInterval(tick: () => void, ms: number): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') saved.current();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}
