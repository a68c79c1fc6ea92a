/**
 * @module The targets, judged as ratios on the same run: PASS or MISS, by how much, and
 * for a miss what the run itself shows about why (which core was saturated, how the CPU per
 * request compares) and what would close it. Nothing is judged on a figure that was not measured.
 */
import type { LedgerResult } from './ledger-bench.js';
import { NAMES } from './plan.js';
import { rowOf, type Row } from './summary.js';
import { closers } from './verdict-notes.js';

export interface Verdict {
  goal: string;
  measured: string;
  limit: string;
  /** undefined: not measured in this run. */
  pass: boolean | undefined;
  margin: string;
  /** A pass by under a tenth of the limit: inside this machine's run-to-run noise. */
  narrow?: boolean;
  /** For a miss: why, from this run's figures, and what would close it. */
  notes: string[];
}

export interface Phases {
  c1: Row[];
  c64: Row[];
  inflight: Row[];
}

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const missing = (goal: string, limit: string): Verdict => ({ goal, measured: 'not measured', limit, pass: undefined, margin: '', notes: [] });

/** A pass with less than this share of the limit to spare is reported as narrow. */
const NARROW = 0.1;

/** `strict`: the value must be under the limit, not at it ("under 30 ms"). */
function ratio(goal: string, value: number, limit: number, unit: string, higherIsBetter: boolean, describe: string, strict = false): Verdict {
  const pass = higherIsBetter ? value >= limit : strict ? value < limit : value <= limit;
  const spare = higherIsBetter ? value / limit - 1 : 1 - value / limit;
  const margin = pass ? `${f(spare * 100, 0)}% to spare` : `${higherIsBetter ? 'short' : 'over'} by ${f(Math.abs(value - limit), 3)} ${unit}: ${f(value / limit)} x the limit`;
  return { goal, measured: describe, limit: `${higherIsBetter ? '>=' : strict ? '<' : '<='} ${f(limit, 3)} ${unit}`, pass, margin, narrow: pass && spare < NARROW, notes: [] };
}

export function judge(p: Phases, ledger: LedgerResult | undefined, inFlight: number): Verdict[] {
  const out: Verdict[] = [];
  const [aigate64, pipe64] = [rowOf(p.c64, NAMES.aigateImage), rowOf(p.c64, NAMES.pipe)];
  const tGoal = 'throughput at c=64, image/*: >= 0.8 x node pipe';
  out.push(aigate64 && pipe64 ? ratio(tGoal, aigate64.rps / pipe64.rps, 0.8, 'x pipe', true, `${f(aigate64.rps, 1)} vs ${f(pipe64.rps, 1)} req/s = ${f(aigate64.rps / pipe64.rps)} x`) : missing(tGoal, '>= 0.8 x'));

  const [direct1, aigate1, pipe1] = [rowOf(p.c1, NAMES.direct), rowOf(p.c1, NAMES.aigateImage), rowOf(p.c1, NAMES.pipe)];
  const lGoal = 'added latency at c=1 (p50 over direct): <= pipe added + 0.3 ms';
  if (direct1 && aigate1 && pipe1) {
    const [added, pipeAdded] = [aigate1.p50 - direct1.p50, pipe1.p50 - direct1.p50];
    out.push(ratio(lGoal, added, pipeAdded + 0.3, 'ms', false, `aigate +${f(added, 3)} ms, pipe +${f(pipeAdded, 3)} ms`));
  } else out.push(missing(lGoal, 'pipe + 0.3 ms'));

  const cGoal = 'CPU per request at c=64: <= 1.5 x node pipe';
  out.push(aigate64 && pipe64 ? ratio(cGoal, aigate64.cpuMs / pipe64.cpuMs, 1.5, 'x pipe', false, `${f(aigate64.cpuMs, 3)} vs ${f(pipe64.cpuMs, 3)} ms = ${f(aigate64.cpuMs / pipe64.cpuMs)} x`) : missing(cGoal, '<= 1.5 x'));

  const slow = rowOf(p.inflight, NAMES.aigateImage);
  const mGoal = `${inFlight} in flight${inFlight === 500 ? '' : ' (the issue says 500)'}, slow upstream: peak RSS < 250 MB, no errors`;
  if (slow) {
    const mb = slow.peakRss / 2 ** 20;
    const pass = mb < 250 && slow.failures === 0 && slow.ok > 0;
    const margin = [mb < 250 ? `${f(250 - mb, 0)} MB to spare` : `over by ${f(mb - 250, 0)} MB`, slow.failures ? `${slow.failures} failed requests` : 'no errors'].join(', ');
    out.push({ goal: mGoal, measured: `${f(mb, 0)} MB peak, ${slow.ok} ok, ${slow.failures} failed`, limit: '< 250 MB, 0 failed', pass, margin, narrow: pass && mb > 250 * (1 - NARROW), notes: [] });
  } else out.push(missing(mGoal, '< 250 MB'));

  const png = rowOf(p.c1, NAMES.sandboxPng);
  const sGoal = 'sandbox 1 MP PNG median (c=1, over HTTP) < 30 ms';
  out.push(png ? ratio(sGoal, png.p50, 30, 'ms', false, `${f(png.p50)} ms`, true) : missing(sGoal, '< 30 ms'));

  const lgGoal = 'ledger per request (hold + capture + usage row, SQLite) < 0.2 ms';
  out.push(ledger ? ratio(lgGoal, ledger.perRequest.mean, 0.2, 'ms', false, `mean ${f(ledger.perRequest.mean, 3)} ms (p50 ${f(ledger.perRequest.p50, 3)}, p99 ${f(ledger.perRequest.p99, 3)}; median of ${ledger.runMeans.length} runs' means: ${ledger.runMeans.map((m) => f(m, 3)).join(', ')})`, true) : missing(lgGoal, '< 0.2 ms'));

  const notes = closers(p, ledger, inFlight);
  return out.map((v, i) => (v.pass === false ? { ...v, notes: notes[i] ?? [] } : v));
}
