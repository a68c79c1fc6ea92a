/**
 * @module What is measured: a target is one way to get the picture (directly, through nginx, the
 * Node pipe, aigate, its sandbox, Portkey), with the processes whose CPU and memory are its own
 * and the answer a smoke check expects before any load is sent.
 */
import type { RequestSpec } from './load-job.js';

export type Expect = 'png' | 'jpeg' | 'json' | 'openai';

export interface Target {
  name: string;
  /** What it is, for the tables. */
  note: string;
  request: RequestSpec;
  /** The gateway's processes (descendants are included); empty when the client talks to the upstream itself. */
  pids: number[];
  /** The upstream it ends at, if any (its CPU is reported apart). */
  upstreamPids: number[];
  expect: Expect;
  /** Its work per request is seconds of CPU (the sandbox): timed runs at c>1 last long enough for a wave. */
  cpuBound?: boolean;
}

/** Keeps the targets BENCH_ONLY names (by substring); all when it is empty. */
export const selected = (targets: readonly Target[], only: readonly string[]) =>
  only.length === 0 ? [...targets] : targets.filter((t) => only.some((o) => t.name.includes(o)));
