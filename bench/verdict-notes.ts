/**
 * @module For each target the run can miss: what the same run shows about why, and what would
 * close it. The "why" quotes this run's figures (CPU per request, core saturation, the ledger's
 * share); the remedies are hypotheses from a CPU profile of the station under this load
 * (`npm run bench:profile`), to be confirmed by the change that tries them.
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

const PER_REQUEST =
  'The answer itself no longer costs aigate more than it costs the pipe: it streams through in the chunks it arrives in, its size read from the first bytes (image-size), and only its last byte waits for the capture (src/generation/charge-on-arrival.ts). ' +
  'What remains above the pipe is per-request work, whatever the answer\'s size: `BENCH_UPSTREAM_BYTES=20000 npm run bench:profile` (a 20 kB answer) measured about 2.1 ms of station CPU per request on this machine while this was written, against about 0.3 ms for the pipe. ' +
  'It is spread out, no part above a sixth of it: SQLite (about 15% of the main thread: the key lookup, two revision reads, the hold and capture transactions, the usage row, statements prepared and compiled once), undici\'s request machinery, Fastify\'s hooks, busboy\'s multipart parse, abort signals and timers, metrics, and GC.';

const CLOSERS =
  'Each remaining lever is worth a few per cent: the usage rows written in one transaction per tick instead of one per request, one Transform stream instead of the async-iterator chain (about 0.1 ms per 1.4 MB in a micro-benchmark), the revision reads shared by requests in the same tick. ' +
  'Reaching 1.5 x the pipe would take a per-request path about as cheap as the pipe\'s: a leaner HTTP and multipart layer than Fastify and busboy, which is a different gateway.';

const STORE =
  'Per request the store runs a key lookup, a hold (one transaction), a capture with its ledger row (one transaction) and the usage row: Kysely compiles each once (src/store/sql/precompiled.ts) and better-sqlite3 keeps each prepared (src/store/sqlite-database.ts); WAL checkpoints run in a worker thread (src/store/sqlite-checkpointer.ts). ' +
  'What remains is SQLite\'s own work: three commits, each appending the touched pages of the tables and their indexes to the WAL. Writing the usage rows in batches, or with the capture, would save one of them.';

/** Per verdict, in judge()'s order: throughput, added latency, CPU, in-flight memory, sandbox, ledger. */
export function closers(p: Phases, ledger: LedgerResult | undefined, inFlight: number): string[][] {
  const a64 = rowOf(p.c64, NAMES.aigateImage);
  const pipe64 = rowOf(p.c64, NAMES.pipe);
  const slow = rowOf(p.inflight, NAMES.aigateImage);
  const pipeSlow = rowOf(p.inflight, NAMES.pipe);
  const ledgerShare = `The ledger alone measures ${f(ledger?.perRequest.mean)} ms per request in process (table below).`;
  return [
    [`${saturation(a64)}; aigate spends ${f(a64?.cpuMs)} ms of CPU per request, the pipe ${f(pipe64?.cpuMs)} ms, so at best aigate reaches ${f((pipe64?.cpuMs ?? NaN) / (a64?.cpuMs ?? NaN), 2)} of the pipe's rate on one core.`, PER_REQUEST, CLOSERS],
    ['At c=1 the added latency is the gateway\'s CPU time for one request plus the hops it waits on: the same work as the CPU target, serialised, so the same remedies close it.', PER_REQUEST],
    [`aigate ${f(a64?.cpuMs)} ms vs pipe ${f(pipe64?.cpuMs)} ms per request (all threads: main, GC, the checkpoint worker).`, PER_REQUEST, `${CLOSERS} ${ledgerShare}`],
    [
      `peak RSS ${f((slow?.peakRss ?? NaN) / 2 ** 20, 0)} MB (the pipe: ${f((pipeSlow?.peakRss ?? NaN) / 2 ** 20, 0)} MB) with ${slow?.failures ?? 'n/a'} failures. About 120 MB of it is the station at rest (Node, Fastify, Kysely, undici, better-sqlite3, prom-client, zod and the checkpoint worker; sharp, the AWS SDK, pg and ioredis load only when used). Per answer in flight it keeps about one 64 KiB chunk in undici's body and one on its way to the socket (the pipe: one), plus the request's own state, and V8's young generation takes headroom under this allocation rate.`,
      `Its upstream pool allows 256 connections per origin, so of ${inFlight} answers at most 256 stream at once and the rest queue inside undici (latency above the hold, not errors). A smaller young generation (\`NODE_OPTIONS=--max-semi-space-size=4\`) measured about 40 MB lower at some CPU cost; the rest is the per-request state above.`,
    ],
    ['The median includes rendering the 1 MP picture in JavaScript (about 18 ms: a gradient, soft discs and the label, per pixel) and encoding it (PNG at zlib level 1, about 18 ms; `node --import tsx bench/sandbox.ts` times both alone) plus the HTTP path. Rendering in a worker would not shorten one request; a pre-rendered background with only the discs and label drawn per request would.'],
    [STORE],
  ];
}
