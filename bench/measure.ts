/**
 * @module One measurement of one target: a warm-up at the same concurrency on the first round,
 * then the run, bracketed by /proc snapshots of the gateway's CPU time and peak RSS (reset
 * first), the upstream's and the load side's CPU, and the busy time of both cores, so other
 * people's work on the machine shows up as such. Before and after, it waits for the gateway and
 * upstream to go quiet, so work left over from requests cut off at the end of a timed run (a
 * sandbox render, Portkey finishing answers nobody reads) never lands in the next measurement.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadGenerator } from './load-client.js';
import type { LoadJob, LoadResult } from './load-job.js';
import { coreTimes, cpuSeconds, peakRssBytes, resetPeakRss } from './proc-stats.js';
import type { Target } from './targets.js';

export interface Cores {
  /** The gateway's core and the load side's (load generator + upstream + this process), when pinned. */
  gateway: number | undefined;
  load: number | undefined;
}

/** Every server process of the run: each measurement starts once all of them are quiet. */
export const serverPids: number[] = [];

export interface RunSpec {
  tool: LoadJob['tool'];
  connections: number;
  /** wrk: seconds per run (CPU-bound targets at c>1 get at least 2, so part of a wave can finish). */
  seconds?: number;
  /** autocannon: a fixed number of requests. */
  amount?: number;
  /** Warm-up on the first round: seconds (wrk) or requests (autocannon); 0 for none. */
  warmup: number;
}

export interface Sample {
  target: string;
  round: number;
  connections: number;
  result: LoadResult;
  rps: number;
  /** Seconds of CPU of the gateway's processes, the upstream's, and the load side's (generators + orchestrator). */
  cpu: { gateway: number; upstream: number; load: number };
  gatewayPeakRss: number;
  /** Fraction of each core busy during the run, and the part of it no process of ours accounts for. */
  coreBusy: { gateway: number; load: number; foreignGateway: number; foreignLoad: number };
}

/** Waits (polling /proc, at most 30 s) until the processes use under 10% of a core over 100 ms. */
async function settle(pids: readonly number[]): Promise<void> {
  if (pids.length === 0) return;
  let last = cpuSeconds(pids);
  for (let waited = 0; waited < 30_000; waited += 100) {
    await delay(100);
    const now = cpuSeconds(pids);
    if (now - last < 0.01) return;
    last = now;
  }
}

function job(target: Target, spec: RunSpec, size: number, warmup = false): LoadJob {
  const cpuBound = target.cpuBound && spec.connections > 1 && !warmup;
  return {
    ...target.request,
    tool: spec.tool,
    connections: spec.connections,
    ...(spec.tool === 'wrk' ? { seconds: cpuBound ? Math.max(2, size) : size } : { amount: size }),
    timeoutSeconds: 60,
  };
}

export async function measure(target: Target, spec: RunSpec, round: number, load: LoadGenerator, cores: Cores): Promise<Sample> {
  const quiet = serverPids.length ? serverPids : [...target.pids, ...target.upstreamPids];
  await settle(quiet);
  if (round === 1 && spec.warmup > 0) {
    await load.run(job(target, spec, spec.warmup, true));
    await settle(quiet);
  }
  resetPeakRss(target.pids);
  const snapshot = () => ({ gw: cpuSeconds(target.pids), up: cpuSeconds(target.upstreamPids), load: load.cpu(), cores: coreTimes() });
  const before = snapshot();
  const result = await load.run(job(target, spec, (spec.tool === 'wrk' ? spec.seconds : spec.amount) ?? 1));
  const after = snapshot();
  const cpu = { gateway: after.gw - before.gw, upstream: after.up - before.up, load: after.load - before.load };
  const busy = (core: number | undefined) => {
    const [a, b] = core === undefined ? [] : [before.cores.get(core), after.cores.get(core)];
    return a && b ? (b.busy - a.busy) / Math.max(b.total - a.total, 1e-9) : Number.NaN;
  };
  const wall = Math.max(result.elapsedMs / 1000, 1e-9);
  const [gatewayBusy, loadBusy] = [busy(cores.gateway), busy(cores.load)];
  return {
    target: target.name,
    round,
    connections: spec.connections,
    result,
    rps: result.ok / wall,
    cpu,
    gatewayPeakRss: peakRssBytes(target.pids),
    coreBusy: {
      gateway: gatewayBusy,
      load: loadBusy,
      foreignGateway: Math.max(0, gatewayBusy - cpu.gateway / wall),
      foreignLoad: Math.max(0, loadBusy - (cpu.upstream + cpu.load) / wall),
    },
  };
}
