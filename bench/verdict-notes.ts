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
  'The answer makes one pass through the station (src/providers/image-flow.ts): its size read from its first bytes (image-size), each chunk pushed on as it arrives with the size limit, the breaker\'s verdict and the charge run inline as stages, and only its last byte held for the capture. ' +
  'Measured while this was written on this machine, steady state at c=64 with per-thread CPU from /proc (`npm run bench:profile` prints it): the station spends 2.9 to 4.1 ms of CPU per 1.4 MB answer across fresh processes (its main thread 2.7 to 3.5 ms, V8\'s helper threads for GC and compilation 0.3 to 0.6 ms), the pipe 1.7 to 1.8 ms (helpers 0.1). With a 20 kB answer the pipe spends 0.25 ms per request and the station about 2 ms (profiled), so most of the gap is per request, not per byte. ' +
  'Of the station\'s per-request work (CPU profile): SQLite about 0.3 ms (a key lookup, three revision reads, the hold and the capture transactions, the usage row), undici about 0.2 ms, young-generation GC about 0.2 ms on the main thread (a 5 ms scavenge every 20 or so requests, copying what the 64 requests in flight hold) plus the helper threads, then Fastify\'s hooks, busboy, streams, events and metrics, each under 0.1 ms.';

const CLOSERS =
  'The one pass replaced six async-iterator hops per chunk (decision 99): 0.15 -> 0.05 ms per answer in process, and in interleaved runs the station\'s CPU per request fell by about a tenth. ' +
  'The levers left are each worth a few percent: the revision reads and the key lookup answered from memory while SQLite\'s `data_version` says no other connection wrote (about 0.03 ms), a 1 KiB SQLite page (about 12% of the ledger), holds and captures committed together like the usage rows (at c=64 only), node:http instead of undici upstream (its client costs the pipe about 0.05 ms a request). ' +
  'Reaching 1.5 x the pipe would take a per-request path about as cheap as the pipe\'s 0.25 ms: a leaner HTTP and multipart layer than Fastify and busboy and fewer objects kept per request in flight, which is a different gateway.';

const STORE =
  'Per request the store runs a key lookup, a hold (one transaction), a capture with its ledger row (one transaction) and the usage row: Kysely compiles each once (src/store/sql/precompiled.ts) and better-sqlite3 keeps each prepared (src/store/sqlite-database.ts); WAL checkpoints run in a worker thread (src/store/sqlite-checkpointer.ts). ' +
  'What remains is SQLite\'s own work, about 16 pages (64 KiB) appended to the WAL per request, and a tail: the mean sits well above the p50 because of a few stalls of several milliseconds (the disk\'s writeback and other work on the machine), which is why three runs are made and the median kept. A 1 KiB page size measured about 12% less in process.';

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
      `peak RSS ${f((slow?.peakRss ?? NaN) / 2 ** 20, 0)} MB (the pipe: ${f((pipeSlow?.peakRss ?? NaN) / 2 ** 20, 0)} MB) with ${slow?.failures ?? 'n/a'} failures. About 125 MB of it is the station at rest (Node, Fastify, Kysely, undici, better-sqlite3, prom-client, zod and the checkpoint worker; sharp, the AWS SDK, pg and ioredis load only when used). Per answer in flight it keeps about one 64 KiB chunk in undici's body and at most 16 KiB more on its way to the socket (the pipe: one chunk), plus the request's own state, and V8's heap grows with the requests held for the upstream's 2 s.`,
      `Its upstream pool allows 256 connections per origin, so of ${inFlight} answers at most 256 stream at once and the rest queue inside undici (latency above the hold, not errors). V8's young generation is capped at 8 MB a half by the start command (\`--max-semi-space-size=8\`, decision 97), about 30 MB less than its default at this allocation rate.`,
    ],
    ['The median includes drawing the picture in JavaScript at half size and doubling it (about 6 ms; decision 98), encoding it (PNG at zlib level 1, about 8 ms; `node --import tsx bench/sandbox.ts` times both alone, about 16 ms together on a quiet machine), and the HTTP path. The CPU-bound rows of this run are slower than that by as much as the machine was busy with other work.'],
    [STORE],
  ];
}
