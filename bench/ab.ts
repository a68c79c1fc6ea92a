/**
 * @module `npm run bench:ab -- <rootA> [<rootB>]`: compares builds of the station on the machine as
 * it is now. One run of the full benchmark moves by up to half between processes and minutes on a
 * shared host, so a change is judged here instead: the node pipe and each build (a checkout with
 * `dist/` built, `node_modules` present or linked) run side by side on the gateway core, measured
 * in short interleaved rounds (ABBA order, so neither build always goes first), many times. It
 * prints each round, so a build that slows as it serves (a leak, a growing table) shows as a trend,
 * and the medians of CPU per request and c=1 latency as ratios to the pipe and to build A.
 * BENCH_AB_ROUNDS (default 6) and BENCH_AB_SECONDS (default 5) size it; BENCH_AB_NODE_ARGS adds node
 * flags to the stations (`--cpu-prof --cpu-prof-dir=...`), and each round prints its monotonic
 * start in microseconds, the clock a .cpuprofile's timestamps use, so a profile can be cut by round.
 * BENCH_AB_IDLE=<seconds> measures c=1 as the full benchmark does, after a quiet spell: each
 * round lets every station sit idle that long before its c=1 run and skips c=64 (V8 sizes the heap
 * by an allocation rate averaged over the quiet time, decision 105, so c=1 right after load hides
 * that state); the CPU column is then c=1's.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { startAigate } from './aigate.js';
import { bundleChildren } from './bundle.js';
import type { LoadResult } from './load-job.js';
import { readOptions } from './options.js';
import { pinCores } from './pinning.js';
import { cpuSplit } from './proc-stats.js';
import { stopAll } from './processes.js';
import { sd3Request } from './requests.js';
import { nodeServer } from './stations.js';
import { histogramPercentile, median } from './stats.js';
import { buildUpstreamPng } from './upstream-image.js';
import { ensureWrk, runWrk } from './wrk.js';

interface Target {
  name: string;
  url: string;
  key: string;
  pid: number;
}

interface Sample {
  cpuMs: number;
  /** The kernel's share of cpuMs, and minor page faults per request: what moves when memory, not code, is the cost. */
  sysMs: number;
  faults: number;
  reads: number;
  writes: number;
  rps: number;
  p50: number;
}

const p50 = (r: LoadResult) => histogramPercentile(r.latency, 50);

/** Per request of `measured` (the CPU snapshots bracket it), with `latency`'s p50. */
function sampleOf(before: ReturnType<typeof cpuSplit>, after: ReturnType<typeof cpuSplit>, measured: LoadResult, latency: LoadResult): Sample {
  const n = Math.max(measured.ok, 1);
  const per = (a: number, b: number, scale = 1) => ((b - a) * scale) / n;
  return {
    cpuMs: per(before.user + before.system, after.user + after.system, 1000),
    sysMs: per(before.system, after.system, 1000),
    faults: per(before.minorFaults, after.minorFaults),
    reads: per(before.reads, after.reads),
    writes: per(before.writes, after.writes),
    rps: (measured.ok * 1000) / measured.elapsedMs,
    p50: p50(latency),
  };
}

async function main() {
  const roots = process.argv.slice(2).map((r) => path.resolve(r));
  if (roots.length === 0) throw new Error('usage: npm run bench:ab -- <rootA> [<rootB> ...] (each a built checkout)');
  const options = readOptions([], process.env);
  const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 6);
  const seconds = Number(process.env.BENCH_AB_SECONDS ?? 5);
  const idleSeconds = Number(process.env.BENCH_AB_IDLE ?? 0);
  const cores = pinCores();
  await ensureWrk();
  const bundles = await bundleChildren(options.root, options.work);
  const pngFile = path.join(options.work, 'upstream-ab.png');
  writeFileSync(pngFile, await buildUpstreamPng(Number(process.env.BENCH_UPSTREAM_BYTES ?? 1_400_000)));
  const upstreamKey = 'sk-upstream-ab';
  const upstream = await nodeServer('upstream', bundles.fakeUpstream, { BENCH_UPSTREAM_IMAGE: pngFile, BENCH_UPSTREAM_KEY: upstreamKey, BENCH_UPSTREAM_DELAY_MS: '0' }, undefined);
  const pipe = await nodeServer('node-pipe', bundles.nodePipe, { BENCH_PIPE_UPSTREAM: upstream.url }, cores.gateway);
  const targets: Target[] = [{ name: 'pipe', url: pipe.url, key: upstreamKey, pid: pipe.child.pid }];
  for (const [i, root] of roots.entries()) {
    const station = await startAigate({ root, work: options.work, name: `ab-${i}`, core: cores.gateway, upstream: { url: upstream.url, key: upstreamKey }, imageStore: options.aigateImageStore, nodeArgs: process.env.BENCH_AB_NODE_ARGS?.split(' ').filter(Boolean) });
    targets.push({ name: String.fromCharCode(65 + i), url: station.url, key: station.key, pid: station.child.pid });
  }
  console.log(`${cores.why}; ${rounds} rounds of ${seconds} s ${idleSeconds > 0 ? `at c=1 after ${idleSeconds} s idle` : 'at c=64 and c=1 each'}`);
  for (const [i, root] of roots.entries()) console.log(`  ${String.fromCharCode(65 + i)}: ${root}`);
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  const measureAfterIdle = async (t: Target): Promise<Sample> => {
    await delay(idleSeconds * 1000);
    const before = cpuSplit([t.pid]);
    const one = await runWrk({ tool: 'wrk', ...sd3Request(t.url, t.key, 'image/*'), connections: 1, seconds, timeoutSeconds: 60 }, options.work);
    const after = cpuSplit([t.pid]);
    if (one.non2xx + one.errors > 0) throw new Error(`${t.name}: failed requests (${one.firstError ?? 'non-2xx'})`);
    return sampleOf(before, after, one, one);
  };
  const measure = async (t: Target): Promise<Sample> => {
    if (idleSeconds > 0) return measureAfterIdle(t);
    const spec = sd3Request(t.url, t.key, 'image/*');
    const before = cpuSplit([t.pid]);
    const busy = await runWrk({ tool: 'wrk', ...spec, connections: 64, seconds, timeoutSeconds: 60 }, options.work);
    const after = cpuSplit([t.pid]);
    const one = await runWrk({ tool: 'wrk', ...spec, connections: 1, seconds, timeoutSeconds: 60 }, options.work);
    if (busy.non2xx + busy.errors + one.non2xx + one.errors > 0) throw new Error(`${t.name}: failed requests (${busy.firstError ?? one.firstError ?? 'non-2xx'})`);
    return sampleOf(before, after, busy, one);
  };
  for (const t of targets) await runWrk({ tool: 'wrk', ...sd3Request(t.url, t.key, 'image/*'), connections: idleSeconds > 0 ? 1 : 64, seconds: 3, timeoutSeconds: 60 }, options.work); // warm-up
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const line: string[] = [];
    const started = process.hrtime.bigint() / 1000n;
    for (const t of order) {
      const s = await measure(t);
      samples.get(t.name)!.push(s);
      line.push(`${t.name} ${s.cpuMs.toFixed(3)} ms cpu (sys ${s.sysMs.toFixed(3)}, ${s.faults.toFixed(0)} faults, ${s.reads.toFixed(0)} reads, ${s.writes.toFixed(0)} writes) ${s.rps.toFixed(0)} req/s p50 ${s.p50.toFixed(3)}`);
    }
    console.log(`round ${round + 1} (from ${started} us): ${line.join(' | ')}`);
  }
  const med = (name: string, k: keyof Sample) => median(samples.get(name)!.map((s) => s[k]));
  console.log('\nmedians (x pipe; x A):');
  for (const t of targets) {
    const cpu = med(t.name, 'cpuMs');
    const lat = med(t.name, 'p50');
    const ratio = (v: number, base: string, k: keyof Sample) => (v / med(base, k)).toFixed(2);
    console.log(`  ${t.name.padEnd(5)} cpu ${cpu.toFixed(3)} ms/req (x${ratio(cpu, 'pipe', 'cpuMs')}; x${t.name === 'pipe' ? '-' : ratio(cpu, 'A', 'cpuMs')})  req/s ${med(t.name, 'rps').toFixed(0)}  c=1 p50 ${lat.toFixed(3)} ms`);
  }
  await stopAll();
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
