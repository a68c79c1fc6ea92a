/**
 * @module Folds a phase's rounds into one row per target: latencies pooled over both rounds for
 * the percentiles, throughput as the mean of the rounds (each round's figure kept, to show the
 * noise), CPU per request as all the gateway's CPU over all answered requests, and the highest
 * peak RSS any round saw.
 */
import type { Phase } from './phases.js';
import { histogramPercentile, mean } from './stats.js';

export interface Row {
  target: string;
  note: string;
  rounds: number;
  ok: number;
  failures: number;
  /** Each round's requests per second and median latency. */
  rpsByRound: number[];
  p50ByRound: number[];
  rps: number;
  p50: number;
  p99: number;
  /** Milliseconds of gateway CPU per answered request; NaN when the target has no gateway. */
  cpuMs: number;
  upstreamCpuMs: number;
  loadCpuMs: number;
  peakRss: number;
  gatewayBusy: number;
  loadBusy: number;
  foreignGateway: number;
  foreignLoad: number;
}

export function summarize(phase: Phase): Row[] {
  return phase.targets.map((target) => {
    const samples = phase.samples.filter((s) => s.target === target.name);
    const ok = samples.reduce((n, s) => n + s.result.ok, 0);
    const latency = samples.flatMap((s) => s.result.latency);
    const perRequest = (seconds: number) => (ok ? (seconds / ok) * 1000 : Number.NaN);
    const sum = (f: (s: (typeof samples)[number]) => number) => samples.reduce((n, s) => n + f(s), 0);
    return {
      target: target.name,
      note: target.note,
      rounds: samples.length,
      ok,
      failures: sum((s) => s.result.non2xx + s.result.errors + s.result.timeouts),
      rpsByRound: samples.map((s) => s.rps),
      p50ByRound: samples.map((s) => histogramPercentile(s.result.latency, 50)),
      rps: mean(samples.map((s) => s.rps)),
      p50: histogramPercentile(latency, 50),
      p99: histogramPercentile(latency, 99),
      cpuMs: target.pids.length ? perRequest(sum((s) => s.cpu.gateway)) : Number.NaN,
      upstreamCpuMs: target.upstreamPids.length ? perRequest(sum((s) => s.cpu.upstream)) : Number.NaN,
      loadCpuMs: perRequest(sum((s) => s.cpu.load)),
      peakRss: target.pids.length ? Math.max(...samples.map((s) => s.gatewayPeakRss)) : Number.NaN,
      gatewayBusy: mean(samples.map((s) => s.coreBusy.gateway)),
      loadBusy: mean(samples.map((s) => s.coreBusy.load)),
      foreignGateway: mean(samples.map((s) => s.coreBusy.foreignGateway)),
      foreignLoad: mean(samples.map((s) => s.coreBusy.foreignLoad)),
    };
  });
}

export const rowOf = (rows: readonly Row[], target: string) => rows.find((r) => r.target === target);
