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
  'Measured while this was written on this machine with `npm run bench:ab` (built checkouts beside the pipe on the gateway core, 6 interleaved rounds): the station spends 1.6 to 2.3 ms of CPU per 1.4 MB answer at c=64, the pipe 0.9 to 1.2 ms. Both make the same socket reads and writes for the image; the station makes about 25 more writes a request, SQLite\'s WAL frames. ' +
  'Of the station\'s own work (CPU profile, `npm run bench:profile`): SQLite about 0.3 ms a request (a key lookup, revision reads, the hold and the capture transactions with their WAL writes, the usage row), garbage collection about 0.25 ms on the main thread plus V8\'s helper threads, undici about 0.15 ms, then Fastify\'s hooks, busboy, events, streams, abort signals and metrics, each under 0.1 ms. ' +
  'A station started without `--no-memory-reducer` spends 2.5 to 4 times this after any quiet spell of a few seconds, in mark-compacts of a heap V8 shrank while it was idle (decision 105); the benchmark idles each station while it measures the other targets, so earlier runs measured partly that.';

const CLOSERS =
  'Running the generation path\'s SQLite statements synchronously (decision 106) cut the promises a request makes from 378 to 153 and the CPU by about 4% (bench:ab). ' +
  'A lean server built from the same libraries (Fastify, busboy, undici) costs 1.0 to 1.1 x the pipe (decision 101\'s measurements), so the gap is the station\'s own per-request work, not its libraries. ' +
  'The levers left: the hold and the capture committed together across the requests of one event-loop turn, as the usage rows already are (two of the three WAL commits a request); the key and revision reads answered from memory while SQLite\'s `data_version` shows no other writer; fewer per-request objects that outlive a scavenge (what makes each mark-compact cost, decision 105); and fewer Fastify hooks on the one hot route.';

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
    ['At c=1 the added latency is the gateway\'s CPU time for one request plus the hops it waits on: the same work as the CPU target, serialised, so the same remedies close it. Most of this miss is a state, not the path: the benchmark measures c=1 after the station has been quiet, and for some time after a quiet spell V8 runs a mark-compact every 20 or so requests (decision 105, cause open). Measured right after load (`npm run bench:ab`), the station\'s c=1 p50 is about 1.4 ms against the pipe\'s 1.0.', PER_REQUEST],
    [`aigate ${f(a64?.cpuMs)} ms vs pipe ${f(pipe64?.cpuMs)} ms per request (all threads: main, GC, the checkpoint worker).`, PER_REQUEST, `${CLOSERS} ${ledgerShare}`],
    [
      `peak RSS ${f((slow?.peakRss ?? NaN) / 2 ** 20, 0)} MB (the pipe: ${f((pipeSlow?.peakRss ?? NaN) / 2 ** 20, 0)} MB) with ${slow?.failures ?? 'n/a'} failures. About 125 MB of it is the station at rest (Node, Fastify, Kysely, undici, better-sqlite3, prom-client, zod and the checkpoint worker; sharp, the AWS SDK, pg and ioredis load only when used). Per answer in flight it keeps about one 64 KiB chunk in undici's body and at most 16 KiB more on its way to the socket (the pipe: one chunk), plus the request's own state, and V8's heap grows with the requests held for the upstream's 2 s.`,
      `Its upstream pool allows 256 connections per origin, so of ${inFlight} answers at most 256 stream at once and the rest queue inside undici (latency above the hold, not errors). V8's young generation is capped at 8 MB a half by the start command (\`--max-semi-space-size=8\`, decision 97), about 30 MB less than its default at this allocation rate, and its memory reducer is off (decision 105), which changes the heap at rest, not its peak under load.`,
    ],
    ['The median includes drawing the picture in JavaScript at half size and doubling it (about 6 ms; decision 98), encoding it (PNG at zlib level 1, about 8 ms; `node --import tsx bench/sandbox.ts` times both alone, about 16 ms together on a quiet machine), and the HTTP path. The CPU-bound rows of this run are slower than that by as much as the machine was busy with other work.'],
    [STORE],
  ];
}
