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
  'The answer streams through in the chunks it arrives in, its size read from the first bytes (image-size), and only its last byte waits for the capture (src/generation/charge-on-arrival.ts). ' +
  'Profiled while this was written (`npm run bench:profile`, and `BENCH_PROFILE_TARGET=pipe` for the pipe, minutes apart): with a 20 kB answer the station spent about 1.0 ms of CPU per request; with the 1.4 MB answer about 2.8 ms against the pipe\'s 1.3. ' +
  'Writing the answer to the client\'s socket costs both the same (about 0.5 ms). Above the pipe: SQLite about 0.3 ms (its own work, commits included: a key lookup, three revision reads, the hold and the capture transactions, the usage row), the six async-iterator hops each 64 KiB chunk takes (undici\'s body iterator, the size limit, the head check, the breaker\'s verdict, the charge, Readable.from: about 0.3 ms for the 29 chunks of an answer), GC about 0.25 ms, then undici, Fastify\'s hooks, busboy, abort signals and metrics, each under 0.2 ms.';

const CLOSERS =
  'Each remaining lever is worth up to a tenth: one Transform instead of the six iterator hops (at most the 0.3 ms they cost), the revision reads and the key lookup answered from memory while SQLite\'s `data_version` says no other connection wrote, a smaller SQLite page (1 KiB pages cut the WAL written per request from 64 to 18 KiB and the ledger by about 12% in process). ' +
  'Reaching 1.5 x the pipe would take a per-request path about as cheap as the pipe\'s: a leaner HTTP and multipart layer than Fastify and busboy, which is a different gateway.';

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
      `peak RSS ${f((slow?.peakRss ?? NaN) / 2 ** 20, 0)} MB (the pipe: ${f((pipeSlow?.peakRss ?? NaN) / 2 ** 20, 0)} MB) with ${slow?.failures ?? 'n/a'} failures. About 125 MB of it is the station at rest (Node, Fastify, Kysely, undici, better-sqlite3, prom-client, zod and the checkpoint worker; sharp, the AWS SDK, pg and ioredis load only when used). Per answer in flight it keeps about one 64 KiB chunk in undici's body and one on its way to the socket (the pipe: one), plus the request's own state, and V8's heap grows with the requests held for the upstream's 2 s.`,
      `Its upstream pool allows 256 connections per origin, so of ${inFlight} answers at most 256 stream at once and the rest queue inside undici (latency above the hold, not errors). V8's young generation is capped at 8 MB a half by the start command (\`--max-semi-space-size=8\`, decision 97), about 30 MB less than its default at this allocation rate.`,
    ],
    ['The median includes drawing the picture in JavaScript at half size and doubling it (about 6 ms; decision 98), encoding it (PNG at zlib level 1, about 8 ms; `node --import tsx bench/sandbox.ts` times both alone, about 16 ms together on a quiet machine), and the HTTP path. The CPU-bound rows of this run are slower than that by as much as the machine was busy with other work.'],
    [STORE],
  ];
}
