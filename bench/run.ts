/**
 * @module `npm run bench [-- --quick]`: the gateway benchmark of issue 6. Starts a fake Stability
 * upstream and everything in front of it on loopback (nginx, a Node pipe, aigate, its sandbox,
 * Portkey), measures each at c=1, c=64 and with 500 requests in flight against a slow upstream,
 * rounds interleaved, times the ledger in process, and writes bench/RESULTS.md. Every process it
 * starts is stopped on the way out, whatever failed.
 *
 * Needs the built station (`npm run build`) and root for apt (nginx and wrk are installed when
 * missing; Portkey goes into bench/.work). Sizes (see options.ts): BENCH_SECONDS (10; --quick 1),
 * BENCH_ROUNDS (2), BENCH_INFLIGHT (500; --quick 200), BENCH_INFLIGHT_WAVES (3; --quick 1),
 * BENCH_SLOW_DELAY_MS (2000), BENCH_LEDGER_ITERATIONS, BENCH_ONLY (target names), BENCH_OUT,
 * BENCH_NGINX_BUFFERING (off), BENCH_AIGATE_IMAGE_STORE (off).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeAigateData } from './aigate.js';
import { bundleChildren } from './bundle.js';
import { LEDGER_RUNS, ledgerBench, type LedgerResult } from './ledger-bench.js';
import { startLoadGenerator, type LoadGenerator } from './load-client.js';
import { upstreamImage } from './fake-upstream.js';
import { describeMachine } from './machine.js';
import { readOptions } from './options.js';
import { processPeaks, runPhase } from './phases.js';
import { serverPids } from './measure.js';
import { pinCores } from './pinning.js';
import { inFlightTargets, throughputTargets } from './plan.js';
import { PORTKEY_VERSION } from './portkey.js';
import { stopAll } from './processes.js';
import { writeReport } from './report.js';
import { sd3Form } from './requests.js';
import { smokeCheck } from './smoke.js';
import { startStations } from './stations.js';
import { summarize } from './summary.js';
import { selected } from './targets.js';
import { buildUpstreamPng } from './upstream-image.js';
import { judge } from './verdicts.js';
import { ensureWrk } from './wrk.js';

const options = readOptions();
const started = performance.now();
const cores = pinCores();
let load: LoadGenerator | undefined;

async function cleanUp() {
  await load?.stop().catch(() => {});
  await stopAll();
  for (const name of ['pass', 'slow', 'sandbox']) removeAigateData(options.work, name);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.log(`\n${signal}: stopping every process the benchmark started`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** The upstream's PNG, built once and kept in bench/.work (it is deterministic). */
async function upstreamPng(): Promise<string> {
  const file = path.join(options.work, 'upstream-1024.png');
  if (!existsSync(file)) writeFileSync(file, await buildUpstreamPng());
  return file;
}

async function main() {
  const machine = describeMachine();
  console.log(`aigate bench${options.quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${cores.why}`);
  mkdirSync(options.work, { recursive: true });
  const bundles = await bundleChildren(options.root, options.work);
  const pngFile = await upstreamPng();
  const png = readFileSync(pngFile);
  console.log(`  upstream picture: ${png.length} bytes of PNG`);

  console.log(`\n== ledger on SQLite, ${LEDGER_RUNS} runs of ${options.ledgerIterations} requests in process`);
  const ledger: LedgerResult = await ledgerBench(options.work, options.ledgerIterations);
  console.log(`  hold + capture + usage row: mean ${ledger.perRequest.mean.toFixed(4)} ms, p50 ${ledger.perRequest.p50.toFixed(4)} ms, p99 ${ledger.perRequest.p99.toFixed(4)} ms (runs' means: ${ledger.runMeans.map((m) => m.toFixed(4)).join(', ')})`);

  console.log('\n== starting servers');
  const wrkVersion = await ensureWrk();
  console.log(`  ${wrkVersion}`);
  const stations = await startStations(options, bundles, pngFile, cores);
  load = await startLoadGenerator(bundles.loadWorker, options.work);
  const fast = selected(throughputTargets(stations), options.only);
  const slow = selected(inFlightTargets(stations, !options.quick), options.only);
  serverPids.push(...stations.processes.map((p) => p.pid));
  console.log('\n== smoke check');
  for (const line of await Promise.all([...fast, ...slow].map(smokeCheck))) console.log(`  ${line}`);

  // A quick run warms up at c=1 only; the c=64 phase then finds the gateways' code already hot.
  const c1 = await runPhase({ name: 'c1', title: 'c=1: latency', spec: { tool: 'wrk', connections: 1, seconds: options.seconds, warmup: options.quick ? 1 : 3 }, targets: fast }, options.rounds, load, cores);
  const c64 = await runPhase({ name: 'c64', title: 'c=64: throughput', spec: { tool: 'wrk', connections: 64, seconds: options.seconds, warmup: options.quick ? 0 : 3 }, targets: fast }, options.rounds, load, cores);
  const inflightSpec = { tool: 'autocannon', connections: options.inFlight, amount: options.inFlight * options.inFlightWaves, warmup: options.quick ? 0 : options.inFlight } as const;
  const inflight = await runPhase({ name: 'inflight', title: `${options.inFlight} in flight, upstream holds ${options.slowDelayMs} ms`, spec: inflightSpec, targets: slow }, options.rounds, load, cores);

  const phases = { c1: summarize(c1), c64: summarize(c64), inflight: summarize(inflight) };
  const peaks = processPeaks(stations.processes, [c1, c64, inflight]);
  const verdicts = judge(phases, ledger, options.inFlight);
  writeReport({
    options,
    machine,
    versions: { nginx: stations.nginx.version, portkey: PORTKEY_VERSION, wrk: wrkVersion },
    pinning: cores.why,
    sizes: { png: png.length, json: upstreamImage(png).json.length, form: sd3Form('png').length },
    phases,
    ledger,
    verdicts,
    peaks,
    seconds: (performance.now() - started) / 1000,
  });
  console.log('\n== targets');
  for (const v of verdicts) console.log(`  ${v.pass === undefined ? 'n/a ' : v.pass ? 'PASS' : 'MISS'}  ${v.goal}: ${v.measured} (${v.margin || v.limit})`);
  console.log(`\nwrote ${path.relative(process.cwd(), options.out)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error(error); // after a signal, the run's failure is only its processes being stopped
  process.exitCode = 1;
} finally {
  await cleanUp();
}
