/**
 * @module `npm run bench:profile`: where aigate's CPU goes on the pass-through path. Starts the
 * fake upstream and the built station under `node --cpu-prof`, drives it with wrk at c=64
 * after a 3 s warm-up (BENCH_SECONDS, default 10; BENCH_ACCEPT=application/json for the JSON answer), stops it so
 * the profile is written, and prints self time by function and by package. The benchmark says
 * how far from the floor the station is; this says which code to look at. BENCH_PROFILE_TARGET=pipe
 * profiles the bare Node pipe instead, so the two can be compared on the machine as it is now.
 * BENCH_CONNECTIONS (default 64) sets wrk's concurrency: 1 shows what a lone request waits on.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAigate } from './aigate.js';
import { bundleChildren } from './bundle.js';
import { readOptions } from './options.js';
import { pinCores } from './pinning.js';
import { selfTimes, type CpuProfile } from './cpu-profile.js';
import { cpuSeconds, threadCpuSeconds } from './proc-stats.js';
import { stopAll } from './processes.js';
import { sd3Request, type Accept } from './requests.js';
import { nodeServer } from './stations.js';
import { buildUpstreamPng } from './upstream-image.js';
import { ensureWrk, runWrk } from './wrk.js';

const top = (map: Map<string, number>, n: number, total: number) =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);

async function main() {
  const options = readOptions([], process.env);
  const accept = (process.env.BENCH_ACCEPT ?? 'image/*') as Accept;
  const cores = pinCores();
  await ensureWrk();
  const bundles = await bundleChildren(options.root, options.work);
  const pngFile = path.join(options.work, 'upstream-profile.png');
  // BENCH_UPSTREAM_BYTES: a smaller answer separates the per-request cost from the per-byte cost.
  writeFileSync(pngFile, await buildUpstreamPng(Number(process.env.BENCH_UPSTREAM_BYTES ?? 1_400_000)));
  const profDir = path.join(options.work, 'cpu-profile');
  rmSync(profDir, { recursive: true, force: true });
  const upstreamKey = 'sk-upstream-profile';
  const upstream = await nodeServer('upstream', bundles.fakeUpstream, { BENCH_UPSTREAM_IMAGE: pngFile, BENCH_UPSTREAM_KEY: upstreamKey, BENCH_UPSTREAM_DELAY_MS: '0' }, undefined);
  const profArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
  const pipe = process.env.BENCH_PROFILE_TARGET === 'pipe' ? await nodeServer('node-pipe', bundles.nodePipe, { BENCH_PIPE_UPSTREAM: upstream.url }, cores.gateway, profArgs) : undefined;
  const station = pipe ? { ...pipe, key: upstreamKey } : await startAigate({ root: options.root, work: options.work, name: 'profile', core: cores.gateway, upstream: { url: upstream.url, key: upstreamKey }, imageStore: options.aigateImageStore, nodeArgs: profArgs });
  const job = { tool: 'wrk' as const, ...sd3Request(station.url, station.key, accept), connections: Number(process.env.BENCH_CONNECTIONS ?? 64), seconds: options.seconds, timeoutSeconds: 60 };
  await runWrk({ ...job, seconds: 3 }, options.work); // warm-up: the JIT, pools and caches
  const cpuBefore = cpuSeconds([station.child.pid]);
  const threadsBefore = threadCpuSeconds(station.child.pid);
  const result = await runWrk(job, options.work);
  const cpuMs = (cpuSeconds([station.child.pid]) - cpuBefore) * 1000;
  const threadsAfter = threadCpuSeconds(station.child.pid);
  console.log(`${result.ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors in ${(result.elapsedMs / 1000).toFixed(1)} s: ${((result.ok * 1000) / result.elapsedMs).toFixed(1)} req/s`);
  const per = (ms: number) => (ms / Math.max(result.ok, 1)).toFixed(3);
  console.log(`station CPU, all threads, after the warm-up: ${per(cpuMs)} ms per answered request`);
  // The split shows what the main thread's profile below cannot: V8's GC and compiler helpers run on other threads.
  console.log(`  of which main thread ${per((threadsAfter.main - threadsBefore.main) * 1000)} ms, other threads ${per((threadsAfter.others - threadsBefore.others) * 1000)} ms`);
  await station.child.stop();
  await stopAll();
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${profDir}`);
  const { byFunction, byArea, totalMs } = selfTimes(JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile);
  const busy = totalMs - (byFunction.get('(idle) ((idle)):0') ?? 0);
  console.log(`\nmain thread: ${busy.toFixed(0)} ms busy of ${totalMs.toFixed(0)} ms; ${(busy / Math.max(result.ok, 1)).toFixed(3)} ms per answered request\n\nby area:`);
  console.log(top(byArea, 25, totalMs).join('\n'));
  console.log('\nby function:');
  console.log(top(byFunction, 50, totalMs).join('\n'));
  console.log(`\nprofile: ${path.join(profDir, file)} (open in Chrome DevTools)`);
}

main().catch(async (error: unknown) => {
  await stopAll();
  console.error(error);
  process.exit(1);
});
