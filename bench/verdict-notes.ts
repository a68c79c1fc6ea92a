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
  'Measured while this was written on this machine with `npm run bench:ab` (built checkouts beside the pipe on the gateway core, interleaved rounds): the station spends 1.6 to 1.9 ms of CPU per 1.4 MB answer at c=64 against the pipe\'s 1.2 to 1.4 ms when the machine is slow, and 1.2 to 1.5 ms against 0.9 to 1.0 ms when it is fast (session 9\'s runs): the pipe gains more from a fast machine than the station, so the ratios move between runs. Both make the same socket reads and writes for the image; the station makes about 7 more writes a request, SQLite\'s WAL frames, now that the writes of one event-loop turn commit together (decision 108; 29 more before). ' +
  'Of the station\'s own work (CPU profile, `npm run bench:profile`, 20 kB answers to separate it from the per-byte cost, which matches the pipe\'s): about 0.8 ms a request more than the pipe, spread thin. Garbage collection about 0.2 ms (per request the station allocates about 190 kB of short-lived objects, mostly stream and promise machinery, and at c=64 the objects of the 64 requests in flight survive scavenges and are promoted); SQLite about 0.1 ms (a key lookup, a revision read, statements of the grouped hold, capture and usage row); undici about 0.1 ms; then Fastify\'s 13 hooks on the route, busboy, events, streams, abort signals and metrics, each under 0.05 ms. ' +
  'The station starts with `--no-memory-reducer` (decision 105; without it, after a few seconds of quiet V8 shrinks the heap and the station spends 2.5 to 4 times this) and `--single-threaded-gc` (decision 109; V8 otherwise runs helper threads sized to the machine\'s cores on the one core the station is pinned to, about 7% more CPU a request), with its young generation at 4 MB a half (decision 111; about 10% less CPU a request than at 8).';

const CLOSERS =
  'Done in this line of work: the generation path\'s SQLite statements run synchronously (decision 106, about 4%), its writes commit in one transaction per event-loop turn (decision 108, about 8%), ids drawn from pooled entropy and one revision read per turn (decision 110, about 8% together with the former in one bench:ab), garbage collected on the station\'s own thread (decision 109, about 7%), a young generation of 4 MB a half instead of 8 (decision 111, about 10%), and upstream request bodies handed to undici as Buffers (decision 112, about 5%). ' +
  'A lean server built from the same libraries (Fastify, busboy, undici) costs 1.0 to 1.1 x the pipe (decision 101\'s measurements), so the gap is the station\'s own per-request work, not its libraries. ' +
  'The levers left, none worth more than a few percent alone: fewer per-request objects that outlive a scavenge (a route with fewer async hooks, one controller for the client and the deadline, no per-request child logger when nothing logs at info); the key lookup answered from memory while SQLite\'s `data_version` shows no other writer; and fewer WAL pages per commit (partial indexes for open holds and for idempotency keys; the ledger and usage tables without AUTOINCREMENT, which rewrites sqlite_sequence on every insert).';

const STORE =
  'Per request the store runs a key lookup, a hold (one transaction), a capture with its ledger row (one transaction) and the usage row: Kysely compiles each once (src/store/sql/precompiled.ts) and better-sqlite3 keeps each prepared (src/store/sqlite-database.ts); WAL checkpoints run in a worker thread (src/store/sqlite-checkpointer.ts). In the station the transactions of one event-loop turn commit together (decision 108), which this benchmark, one request at a time, does not exercise; it pays that turn (a few microseconds) three times a request instead. ' +
  'What remains is SQLite\'s own work, about 15 pages (60 KiB) appended to the WAL per request taken alone (the hold 4, the capture 7, the usage row 4), and a tail: the mean sits well above the p50 because of a few stalls of several milliseconds (the disk\'s writeback and other work on the machine), which is why three runs are made and the median kept.';

/** Per verdict, in judge()'s order: throughput, added latency, CPU, in-flight memory, sandbox, ledger. */
export function closers(p: Phases, ledger: LedgerResult | undefined, inFlight: number): string[][] {
  const a64 = rowOf(p.c64, NAMES.aigateImage);
  const pipe64 = rowOf(p.c64, NAMES.pipe);
  const slow = rowOf(p.inflight, NAMES.aigateImage);
  const pipeSlow = rowOf(p.inflight, NAMES.pipe);
  const ledgerShare = `The ledger alone measures ${f(ledger?.perRequest.mean)} ms per request in process (table below).`;
  return [
    [`${saturation(a64)}; aigate spends ${f(a64?.cpuMs)} ms of CPU per request, the pipe ${f(pipe64?.cpuMs)} ms, so at best aigate reaches ${f((pipe64?.cpuMs ?? NaN) / (a64?.cpuMs ?? NaN), 2)} of the pipe's rate on one core.`, PER_REQUEST, CLOSERS],
    ['At c=1 the added latency is the gateway\'s CPU time for one request plus the hops it waits on: the same work as the CPU target, serialised, and more of it, since nothing is shared with other requests: each of the three SQLite commits (hold, capture, usage row; about 15 WAL pages) is paid whole, about 10% of the main thread in a c=1 profile (`BENCH_CONNECTIONS=1 npm run bench:profile`). On top of that the benchmark measures c=1 after the station has been quiet, and for a while after a quiet spell V8 runs a mark-compact every 20 or so requests (decision 105: it averages its allocation rate over the quiet time and so grows the heap by the minimum). Measured right after load (`npm run bench:ab`), the station\'s c=1 p50 is 1.9 to 2.2 ms against the pipe\'s 1.2 to 1.3 in this session\'s runs. Why the quiet spell costs so much (decision 112, `--trace-gc-nvp`): at c=1 about 10% of what the station allocates survives a scavenge and 97% of that survives the next, so it is promoted and dies in the old generation, which V8 then marks every few hundred requests; the pipe promotes under 1%. Heap snapshots show no request objects left alive, so the survivors are garbage kept reachable across scavenges; part came from undici\'s stream writer (gone in decision 112), most follows the streamed answer through Fastify (sending the image as one Buffer took it from 10% to 3%). Finding that link is the first lever. Closing it needs that, the CPU levers below and fewer commits on the request\'s path: holds kept in memory on a single-process SQLite station and written with the capture would take two of the three commits away, at the price of a ledger design that no other process (the CLI) can see held credits in.', PER_REQUEST],
    [`aigate ${f(a64?.cpuMs)} ms vs pipe ${f(pipe64?.cpuMs)} ms per request (all threads: main, GC, the checkpoint worker).`, PER_REQUEST, `${CLOSERS} ${ledgerShare}`],
    [
      `peak RSS ${f((slow?.peakRss ?? NaN) / 2 ** 20, 0)} MB (the pipe: ${f((pipeSlow?.peakRss ?? NaN) / 2 ** 20, 0)} MB) with ${slow?.failures ?? 'n/a'} failures. About 125 MB of it is the station at rest (Node, Fastify, Kysely, undici, better-sqlite3, prom-client, zod and the checkpoint worker; sharp, the AWS SDK, pg and ioredis load only when used). Per answer in flight it keeps about one 64 KiB chunk in undici's body and at most 16 KiB more on its way to the socket (the pipe: one chunk), plus the request's own state, and V8's heap grows with the requests held for the upstream's 2 s.`,
      `Its upstream pool allows 256 connections per origin, so of ${inFlight} answers at most 256 stream at once and the rest queue inside undici (latency above the hold, not errors). V8's young generation is capped at 4 MB a half by the start command (\`--max-semi-space-size=4\`, decisions 97 and 111), 10 to 20 MB less than at 8 MB and about 40 MB less than its default at this allocation rate, and its memory reducer is off (decision 105), which changes the heap at rest, not its peak under load. Collecting on one thread (decision 109) made no difference that repeated: 500 connections for 8 s, two runs each, peaked at 219 and 247 MB with helper threads, 216 and 234 MB without. The same test shows how much the peak moves between runs of one build: 193 to 250 MB, by when V8 frees the answers' chunks it has passed on.`,
    ],
    ['The median includes drawing the picture in JavaScript at half size and doubling it (about 6 ms; decision 98), encoding it (PNG at zlib level 1, about 8 ms; `node --import tsx bench/sandbox.ts` times both alone, about 16 ms together on a quiet machine), and the HTTP path. The CPU-bound rows of this run are slower than that by as much as the machine was busy with other work.'],
    [STORE],
  ];
}
