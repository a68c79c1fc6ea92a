/**
 * @module For each target the run can miss: what the same run shows about why, and what would
 * close it. The "why" quotes this run's figures (CPU per request, core saturation, the ledger's
 * share); the remedies are hypotheses from a CPU profile of the station under this load
 * (`node --cpu-prof bin/aigate.js serve`), to be confirmed by the change that tries them.
 */
import type { LedgerResult } from './ledger-bench.js';
import { NAMES } from './plan.js';
import { rowOf, type Row } from './summary.js';
import type { Phases } from './verdicts.js';

const f = (x: number | undefined, digits = 3) => (x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const pct = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? `${Math.round(x * 100)}%` : 'n/a');

function saturation(row: Row | undefined): string {
  if (!row) return '';
  if (row.gatewayBusy >= 0.9) return `the gateway core was ${pct(row.gatewayBusy)} busy (others' share ${pct(row.foreignGateway)}): aigate ran out of CPU`;
  if (row.loadBusy >= 0.9) return `the load core was ${pct(row.loadBusy)} busy: the load side, not aigate, bounded this figure`;
  return `neither core was saturated (gateway ${pct(row.gatewayBusy)}, load ${pct(row.loadBusy)}): the bound is latency, not CPU`;
}

const BUFFERING =
  'aigate holds each 1.4 MB answer whole: undici chunks collected and `Buffer.concat`ed (src/providers/http/upstream-http.ts), then `sharp(bytes).metadata()` on it (src/providers/stability/result.ts; about 0.7 ms of main thread per request in the profile, plus a libuv thread), then one Buffer written by Fastify; the pipe moves 64 KiB chunks it never looks at. ' +
  'Reading width and height from the PNG IHDR / JPEG SOF in the first bytes instead of sharp, and streaming the body through once those bytes have been checked, removes the copy, the sharp pass and most of the garbage.';

const STORE =
  'Per request the store runs a key lookup, a hold (a transaction), a capture (a transaction with the ledger row) and the usage-log insert, each through Kysely, whose SQLite driver calls better-sqlite3 `prepare()` for every query (no statement cache: about 0.4 ms per request in the profile). ' +
  'Statements prepared once and reused, capture and usage row in one transaction, and the usage rows batched per tick would cut most of it.';

/** Per verdict, in judge()'s order: throughput, added latency, CPU, in-flight memory, sandbox, ledger. */
export function closers(p: Phases, ledger: LedgerResult | undefined, inFlight: number): string[][] {
  const a64 = rowOf(p.c64, NAMES.aigateImage);
  const pipe64 = rowOf(p.c64, NAMES.pipe);
  const slow = rowOf(p.inflight, NAMES.aigateImage);
  const pipeSlow = rowOf(p.inflight, NAMES.pipe);
  const ledgerShare = `The ledger alone measures ${f(ledger?.perRequest.mean)} ms per request in process (table below).`;
  return [
    [`${saturation(a64)}; aigate spends ${f(a64?.cpuMs)} ms of CPU per request, the pipe ${f(pipe64?.cpuMs)} ms, so at best aigate reaches ${f((pipe64?.cpuMs ?? NaN) / (a64?.cpuMs ?? NaN), 2)} of the pipe's rate on one core.`, BUFFERING, `${STORE} ${ledgerShare}`],
    ['At c=1 the added latency is the gateway\'s CPU time for one request plus the hops it waits on: the same work as the CPU target, serialised, so the same remedies close it.', BUFFERING, STORE],
    [`aigate ${f(a64?.cpuMs)} ms vs pipe ${f(pipe64?.cpuMs)} ms per request (all threads: main, libuv pool for sharp, GC).`, BUFFERING, `${STORE} ${ledgerShare}`],
    [
      `peak RSS ${f((slow?.peakRss ?? NaN) / 2 ** 20, 0)} MB (the pipe: ${f((pipeSlow?.peakRss ?? NaN) / 2 ** 20, 0)} MB) with ${slow?.failures ?? 'n/a'} failures: ${inFlight} answers of 1.4 MB arrive together when the hold ends, and aigate keeps each whole (the undici chunks, their concatenation, then the socket's copy) until the client has read it, so memory grows with answers in flight times their size.`,
      'Its upstream pool (src/providers/http/upstream-http.ts) allows 256 connections per origin; requests past that queue inside undici, which shows as latency above the hold, not as errors. Streaming the answer through with backpressure bounds memory by socket buffers instead of answer size.',
    ],
    ['The median includes rendering and encoding the 1 MP picture (`node --import tsx bench/sandbox.ts` times that alone) plus the HTTP path; PNG encoding at 1 MP dominates (compare the JPEG row). A faster zlib level for the sandbox PNG, or a pre-rendered background with only the label drawn per request, would close it.'],
    [STORE],
  ];
}
