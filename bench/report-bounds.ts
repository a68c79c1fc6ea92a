/**
 * @module "What bounds each figure": for every c=64 row, which resource ran out in this run (the
 * gateway core, the load core, or neither), and the standing reasons behind each kind of figure.
 */
import { NAMES } from './plan.js';
import type { Row } from './summary.js';
import type { Phases } from './verdicts.js';

const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');

function bound(r: Row): string {
  if (r.gatewayBusy >= 0.9 && r.target !== NAMES.direct) return `the gateway core (${pct(r.gatewayBusy)} busy${r.foreignGateway >= 0.1 ? `, ${pct(r.foreignGateway)} of it other people's work` : ''})`;
  if (r.loadBusy >= 0.9 && r.target === NAMES.direct) return `the load core (${pct(r.loadBusy)} busy): the most the generator and the upstream can do on one core, the ceiling for every row`;
  if (r.loadBusy >= 0.9) return `the load core (${pct(r.loadBusy)} busy: generator + upstream${r.foreignLoad >= 0.1 ? `, ${pct(r.foreignLoad)} others` : ''}), so this is a lower bound of what the gateway could do`;
  return `no core saturated (gateway ${pct(r.gatewayBusy)}, load ${pct(r.loadBusy)}): round trips and the 64 connections bound it`;
}

export function boundsSection(p: Phases, inFlight: number): string {
  return [
    '## What bounds each figure',
    '',
    '**c=64, per target, in this run:**',
    '',
    ...p.c64.map((r) => `- ${r.target}: ${bound(r)}.`),
    '',
    '**Standing reasons:**',
    '',
    '- *direct*: the fake upstream and the load generator share the load core, so direct throughput is what the load side can drive at all. Every other target puts the same load-side work on that core per request (the upstream still answers, the generator still reads 1.4 MB), so no gateway can beat direct, and a gateway near it is bounded by the load core, not by itself.',
    '- *nginx* relays the answer in C through one 64 KiB buffer per connection (`proxy_buffering off`): its CPU per request is mostly the kernel copying 1.4 MB in and out of two sockets, which is the floor any proxy pays.',
    '- *node-pipe* adds the JS event loop and stream objects per chunk to that copy: the floor a Node gateway can reach. The aigate targets are ratios against it.',
    '- *aigate image/\\** pays the pipe\'s copies (it streams the answer through as it arrives, its size read from the first bytes) plus per-request work: busboy multipart parsing, validation, the key lookup and rate limits, three revision reads (one per event-loop turn, shared by that turn\'s requests) and three SQLite writes, committed together with those of the other requests of the same turn (see the ledger table), abort signals, metrics. *aigate json* adds a base64 encoding of 1.4 MB per request, made chunk by chunk (and a 1.9 MB answer).',
    '- *sandbox* renders and encodes a 1 MP picture per request on the gateway core: its figures are CPU-bound by the encoder (PNG far more than JPEG), not by the HTTP path.',
    '- *portkey* answers OpenAI JSON: it parses Stability\'s 1.9 MB JSON and writes a new one, so compare it with *aigate json*, not with image/\\*.',
    '- *c=1* latency is one request at a time: the sum of the client\'s, the gateway\'s and the upstream\'s work for it plus four loopback hops. Nothing saturates; the p99 shows scheduler noise, which other work on a shared machine inflates.',
    `- *In flight*: latency is the upstream's hold plus transferring ${inFlight} answers through one core at once; peak memory is what a gateway keeps per request in flight (the pipe and nginx only their socket buffers; a buffering gateway whole answers). Failures would be timeouts, refused connections or a limit.`,
    '- *Ledger*: in process on the load core, one request at a time, on the machine\'s disk with WAL and synchronous=NORMAL (no fsync per commit); it is the store\'s cost alone, without HTTP.',
  ].join('\n');
}
