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
  'What the station adds is per request, not per byte, and it is the station\'s own work, not its libraries\': on this machine (interleaved runs, c=64), a lean server with Fastify, busboy parsing the same multipart and undici forwarding it costs about 1.0 to 1.1 x the bare Node pipe per request (0.17 against 0.13 ms with a 20 kB answer), where the station cost 0.55 to 0.85 ms. ' +
  'Counted with an async hook, a request made 378 promises at the start of session 6 against the lean server\'s 6; the generation path\'s SQLite statements taken off Kysely\'s async driver (decision 102) and the request and call signals off AbortSignal.any and AbortSignal.timeout (decision 101, also a heap leak on Node 20) brought it to 153. ' +
  'Of what is left (CPU profile, 20 kB answer): SQLite about 16% of the main thread (its BEGIN and COMMIT half of that), young-generation GC about 10% plus V8\'s helper threads, then Fastify\'s chain of a dozen async hooks, two rate-limit checks, the flow\'s stages, busboy, undici and the metrics, each a few percent.';

const CLOSERS =
  'The levers left, each a few percent: holds and captures committed together across requests (BEGIN and COMMIT are half of SQLite\'s share), the key lookup and revision reads answered from memory while SQLite\'s `data_version` shows no other writer, synchronous guards instead of async hooks (Fastify runs a promise per async hook), the rate limiter checked without its promise API. Together they lead toward the lean server above, within 1.1 x of the pipe, so the target does not need Fastify, busboy or undici replaced. ' +
  'Measuring them is itself the limit on this machine: one unchanged build varies by up to half between processes and between runs minutes apart, so a lever worth a few percent is judged by the work it removes (promises per request, profile shares) and by two stations run at once on the same core under the same load, not by one run.';

const STORE =
  'Per request the store runs a key lookup, three revision reads, a hold (one transaction), a capture with its ledger row (one transaction) and the usage row (batched). On SQLite all but the usage row run synchronously on the better-sqlite3 connection (src/store/direct-sqlite.ts, decision 102), compiled once by Kysely (src/store/sql/precompiled.ts) and kept prepared; WAL checkpoints run in a worker thread (src/store/sqlite-checkpointer.ts). ' +
  'What remains is SQLite\'s own work: in process a hold and its capture cost about 85 µs of CPU, half of it system time writing the two commits\' WAL frames; a 1 KiB page, dropping the open-holds index or turning foreign keys off each moved it by less than the noise. The mean sits above the p50 because of a few stalls of several milliseconds (the disk\'s writeback and other work on the machine), which is why three runs are made and the median kept.';

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
