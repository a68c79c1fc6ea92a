/**
 * @module One load run and its outcome, whichever generator ran it. wrk (C, from Debian) drives
 * the throughput and latency phases: it reads a 1.4 MB answer for a fraction of what autocannon
 * spends, so the load core is not what gets measured. autocannon drives the in-flight phase,
 * where a fixed number of requests must all be answered and counted (wrk only runs for a time).
 */

export interface LoadJob {
  tool: 'wrk' | 'autocannon';
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  /** The request body, base64 (IPC carries JSON). */
  body: string;
  connections: number;
  /** wrk: whole seconds to run (requests still in flight at the end are dropped, not counted). */
  seconds?: number;
  /** autocannon: requests in all; the run ends when the last one is answered. */
  amount?: number;
  timeoutSeconds: number;
}

export interface LoadResult {
  /** Answers of any status. */
  completed: number;
  ok: number;
  non2xx: number;
  /** Connection, read and write errors. */
  errors: number;
  timeouts: number;
  elapsedMs: number;
  /** Latency of the answered requests as [milliseconds, count] pairs. */
  latency: [number, number][];
  /** Bytes received, headers included. */
  bytes: number;
  firstError?: string;
}

export type RequestSpec = Pick<LoadJob, 'url' | 'method' | 'headers' | 'body'>;

export type ToWorker = { id: number; job: LoadJob };
export type FromWorker = { id: number; result: LoadResult } | { id: number; error: string };
