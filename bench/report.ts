/**
 * @module Writes bench/RESULTS.md: how and where the run happened, the verdict on each of the
 * issue's targets, one table per phase with ratios against the Node pipe and nginx, the ledger
 * micro-benchmark, and what bounds each figure.
 */
import { writeFileSync } from 'node:fs';
import type { LedgerResult } from './ledger-bench.js';
import type { Machine } from './machine.js';
import type { ProcessPeak } from './phases.js';
import type { BenchOptions } from './options.js';
import { NAMES } from './plan.js';
import { boundsSection } from './report-bounds.js';
import { startFlags } from './start-flags.js';
import { rowOf, type Row } from './summary.js';
import type { Phases, Verdict } from './verdicts.js';

export interface ReportInput {
  options: BenchOptions;
  machine: Machine;
  versions: { nginx: string; portkey: string; wrk: string };
  pinning: string;
  sizes: { png: number; json: number; form: number };
  phases: Phases;
  ledger: LedgerResult | undefined;
  verdicts: Verdict[];
  peaks: ProcessPeak[];
  seconds: number;
}

export const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const mb = (bytes: number) => fmt(bytes / 2 ** 20, 0);
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–');
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const rounds = (xs: number[], d: number) => xs.map((x) => fmt(x, d)).join(' / ');

function c1Table(rows: Row[]): string {
  const direct = rowOf(rows, NAMES.direct);
  return table(
    ['target', 'p50 ms', 'p99 ms', 'added over direct (p50)', 'p50 per round', 'gateway CPU ms/req', 'peak RSS MB', 'what'],
    rows.map((r) => [r.target, fmt(r.p50, 3), fmt(r.p99, 3), r.target === NAMES.direct ? '–' : fmt(r.p50 - (direct?.p50 ?? NaN), 3), rounds(r.p50ByRound, 3), fmt(r.cpuMs, 3), mb(r.peakRss), r.note]),
  );
}

function c64Table(rows: Row[]): string {
  const [pipe, nginx] = [rowOf(rows, NAMES.pipe), rowOf(rows, NAMES.nginx)];
  return table(
    ['target', 'req/s', 'per round', 'p99 ms', 'x pipe', 'x nginx', 'gateway CPU ms/req', 'CPU x pipe', 'gateway core', 'load core', 'peak RSS MB', 'failed'],
    rows.map((r) => [r.target, fmt(r.rps, 1), rounds(r.rpsByRound, 1), fmt(r.p99, 1), fmt(r.rps / (pipe?.rps ?? NaN)), fmt(r.rps / (nginx?.rps ?? NaN)), fmt(r.cpuMs, 3), fmt(r.cpuMs / (pipe?.cpuMs ?? NaN)), `${pct(r.gatewayBusy)} (others ${pct(r.foreignGateway)})`, `${pct(r.loadBusy)} (others ${pct(r.foreignLoad)})`, mb(r.peakRss), String(r.failures)]),
  );
}

function inflightTable(rows: Row[]): string {
  return table(
    ['target', 'answered', 'failed', 'p50 ms', 'p99 ms', 'peak RSS MB', 'gateway CPU ms/req', 'what'],
    rows.map((r) => [r.target, String(r.ok), String(r.failures), fmt(r.p50, 0), fmt(r.p99, 0), mb(r.peakRss), fmt(r.cpuMs, 3), r.note]),
  );
}

function verdictSection(verdicts: Verdict[]): string {
  const mark = (v: Verdict) => (v.pass === undefined ? 'not measured' : v.pass ? '**PASS**' : '**MISS**');
  const lines = [table(['target', 'measured', 'limit', 'result', 'margin'], verdicts.map((v) => [v.goal, v.measured, v.limit, mark(v), v.margin]))];
  for (const v of verdicts.filter((x) => x.pass === false)) lines.push('', `**MISS: ${v.goal}** (${v.margin})`, ...v.notes.map((n) => `- ${n}`));
  const narrow = verdicts.filter((x) => x.narrow);
  if (narrow.length) lines.push('', `**Narrow passes** (under 10% to spare): ${narrow.map((v) => `${v.goal.split(':')[0]} (${v.margin})`).join('; ')}. That is inside this machine's run-to-run noise, so a repeat run can miss them.`);
  return lines.join('\n');
}

export function writeReport(input: ReportInput): string {
  const { options: o, machine: m, phases } = input;
  const l = input.ledger;
  const text = [
    '# Benchmark: aigate against the floors and its peer (issue 6)',
    '',
    o.quick ? '> **Quick smoke run** (`--quick`): a second or so per measurement on a shared machine. The figures show the harness works and the rough shape; judge the targets on a full run.\n' : '',
    '## How this was measured',
    '',
    `- Command: \`${o.command}\` (${fmt(input.seconds, 0)} s in all), ${m.date}.`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.kernel}; load average at start ${m.loadAverage}.`,
    `- Software: Node ${m.node}, ${input.versions.nginx}, Portkey gateway ${input.versions.portkey}; load from ${input.versions.wrk} (c=1 and c=64: one thread, timed runs, its full latency histogram in microseconds) and autocannon ${m.autocannon} (in flight: a fixed number of requests, each answer counted; its per-body string concatenation patched out).`,
    `- Pinning: ${input.pinning}.`,
    `- Per target and round: c=1 and c=64 run ${o.seconds} s (the sandbox at least 2 s at c=64), after a warm-up at the same concurrency on the first round${o.quick ? ' (a quick run warms up at c=1 only)' : ''}; ${o.rounds} rounds, interleaved; between runs the gateway is let go quiet. Requests still in flight when a timed run ends are dropped, not counted (at most 64 of the run's). In flight: ${o.inFlight} connections, ${o.inFlightWaves} wave(s) of ${o.inFlight} requests, the upstream holding each answer ${o.slowDelayMs} ms.`,
    `- Upstream answer: ${input.sizes.png} bytes of PNG (1024x1024), or ${input.sizes.json} bytes of base64 JSON; request: ${input.sizes.form} bytes of sd3 multipart (prompt, model sd3.5-large, output_format, aspect_ratio 1:1).`,
    `- nginx: one worker, \`proxy_buffering ${o.nginxBuffering ? 'on' : 'off'}\`, upstream keepalive. aigate: the built station, started as \`npm start\` starts it (\`node ${startFlags(o.root).join(' ')} bin/aigate.js serve\`) on SQLite, one stability channel, sandbox disabled (a second station serves the sandbox, a third the slow upstream), \`AIGATE_IMAGE_STORE=${o.aigateImageStore}\`${o.aigateImageStore === 'off' ? ' (delivered images not kept: the issue\'s path; BENCH_AIGATE_IMAGE_STORE=disk measures with the disk store)' : ' (every delivered image written to disk)'}.`,
    '- "gateway CPU" is utime+stime of the gateway\'s processes from /proc over the measured run, divided by answered requests; "peak RSS" is VmHWM, reset before each run; "others" is the part of a core\'s busy time no process of the benchmark accounts for (other people\'s work on the machine).',
    '',
    '## Targets (ratios on this run)',
    '',
    verdictSection(input.verdicts),
    '',
    '## Concurrency 1: latency',
    '',
    c1Table(phases.c1),
    '',
    '## Concurrency 64: throughput and CPU',
    '',
    c64Table(phases.c64),
    '',
    `## ${o.inFlight} in flight against an upstream holding each answer ${o.slowDelayMs} ms`,
    '',
    inflightTable(phases.inflight),
    '',
    '## Ledger on SQLite, per request (in process)',
    '',
    l
      ? table(['iterations', 'runs\' means ms (median kept)', 'hold + capture + usage, mean ms', 'p50 ms', 'p99 ms', 'hold', 'capture', 'usage row', '(key lookup, apart)'], [[String(l.iterations), l.runMeans.map((m) => fmt(m, 4)).join(' / '), fmt(l.perRequest.mean, 4), fmt(l.perRequest.p50, 4), fmt(l.perRequest.p99, 4), fmt(l.steps.hold, 4), fmt(l.steps.capture, 4), fmt(l.steps.usage, 4), fmt(l.steps.keyLookup, 4)]])
      : 'not run',
    '',
    '## Peak RSS per process',
    '',
    'The highest VmHWM of each server over its measured runs (reset before each), or over its life for processes never reset (the upstreams).',
    '',
    table(['process', 'peak RSS MB'], input.peaks.map((p) => [p.name, mb(p.bytes)])),
    '',
    boundsSection(phases, o.inFlight),
    '',
  ].join('\n');
  writeFileSync(o.out, text);
  return text;
}
