/**
 * @module Runs one phase: every target once per round, rounds interleaved (A B C ... A B C) so a
 * drift in the machine's load spreads over all targets instead of falling on one. Prints each
 * measurement as it lands.
 */
import type { LoadGenerator } from './load-client.js';
import { measure, type Cores, type RunSpec, type Sample } from './measure.js';
import { peakRssBytes } from './proc-stats.js';
import { histogramPercentile } from './stats.js';
import type { Target } from './targets.js';

export type PhaseName = 'c1' | 'c64' | 'inflight';

export interface Phase {
  name: PhaseName;
  title: string;
  spec: RunSpec;
  targets: Target[];
  samples: Sample[];
}

const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');

export function describeSample(s: Sample): string {
  const r = s.result;
  const ok = r.ok;
  const cpu = ok ? (s.cpu.gateway / ok) * 1000 : Number.NaN;
  const failures = r.non2xx + r.errors + r.timeouts;
  return [
    `${s.target}:`,
    `${ok} ok${failures ? ` + ${failures} FAILED (${r.non2xx} status, ${r.errors} errors, ${r.timeouts} timeouts${r.firstError ? `: ${r.firstError}` : ''})` : ''}`,
    `${s.rps.toFixed(1)} req/s`,
    `p50 ${histogramPercentile(r.latency, 50).toFixed(3)} ms p99 ${histogramPercentile(r.latency, 99).toFixed(3)} ms`,
    `gateway CPU ${cpu.toFixed(3)} ms/req`,
    `RSS peak ${(s.gatewayPeakRss / 2 ** 20).toFixed(0)} MB`,
    `cores: gateway ${pct(s.coreBusy.gateway)} (others ${pct(s.coreBusy.foreignGateway)}), load ${pct(s.coreBusy.load)} (others ${pct(s.coreBusy.foreignLoad)})`,
  ].join('  ');
}

export interface ProcessPeak {
  name: string;
  bytes: number;
}

/**
 * Each server's peak RSS over the run: the highest of its measured runs (their peaks are reset
 * before each) and what it reports now (since its last reset, or since it started if never).
 */
export function processPeaks(processes: readonly { name: string; pid: number }[], phases: readonly Phase[]): ProcessPeak[] {
  return processes.map(({ name, pid }) => {
    const owned = new Set(phases.flatMap((p) => p.targets.filter((t) => t.pids.includes(pid)).map((t) => `${p.name}/${t.name}`)));
    const measured = phases.flatMap((p) => p.samples.filter((s) => owned.has(`${p.name}/${s.target}`)).map((s) => s.gatewayPeakRss));
    return { name, bytes: Math.max(peakRssBytes([pid]), ...measured) };
  });
}

export async function runPhase(phase: Omit<Phase, 'samples'>, rounds: number, load: LoadGenerator, cores: Cores): Promise<Phase> {
  const samples: Sample[] = [];
  console.log(`\n== ${phase.title}`);
  for (let round = 1; round <= rounds; round++) {
    for (const target of phase.targets) {
      const sample = await measure(target, phase.spec, round, load, cores);
      samples.push(sample);
      console.log(`  ${process.uptime().toFixed(0).padStart(4)}s [r${round}] ${describeSample(sample)}`);
    }
  }
  return { ...phase, samples };
}
