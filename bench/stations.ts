/**
 * @module Starts everything the benchmark talks to, on loopback: two fake upstreams (immediate,
 * and one holding each answer for the slow delay), nginx and a Node pipe in front of each, three
 * aigate stations (pass-through to each upstream, and sandbox only) and Portkey. Gateways go on
 * the gateway core; the upstreams inherit the load core from the orchestrator.
 */
import { randomBytes } from 'node:crypto';
import type { BenchOptions } from './options.js';
import type { Bundles } from './bundle.js';
import type { Cores } from './measure.js';
import { startAigate, type Aigate } from './aigate.js';
import { ensureNginx, startNginx } from './nginx.js';
import { ensurePortkey, startPortkey } from './portkey.js';
import { startChild, type Child } from './processes.js';

export interface Server {
  child: Child;
  url: string;
}

export interface Stations {
  upstreamKey: string;
  upstream: { fast: Server; slow: Server };
  nginx: { child: Child; fast: string; slow: string; version: string };
  pipe: { fast: Server; slow: Server };
  aigate: { fast: Aigate; slow: Aigate; sandbox: Aigate };
  portkey: Server;
  /** Every server process, named, for the peak-memory table. */
  processes: { name: string; pid: number }[];
}

const LISTENING = /listening on (http:\/\/\S+)/;

/** A bundled Node server (fake upstream or pipe), `nodeArgs` before its file (the profiler's flags). */
export async function nodeServer(name: string, file: string, env: Record<string, string>, core: number | undefined, nodeArgs: readonly string[] = []): Promise<Server> {
  const { child, match } = await startChild(name, process.execPath, [...nodeArgs, file], { env: { ...process.env, ...env }, core, ready: LISTENING });
  return { child, url: match[1]! };
}

export async function startStations(options: BenchOptions, bundles: Bundles, pngFile: string, cores: Cores): Promise<Stations> {
  const upstreamKey = `sk-upstream-${randomBytes(12).toString('hex')}`;
  const up = (delay: number) => ({ BENCH_UPSTREAM_IMAGE: pngFile, BENCH_UPSTREAM_KEY: upstreamKey, BENCH_UPSTREAM_DELAY_MS: String(delay) });
  const upstream = {
    fast: await nodeServer('upstream', bundles.fakeUpstream, up(0), undefined),
    slow: await nodeServer('upstream-slow', bundles.fakeUpstream, up(options.slowDelayMs), undefined),
  };
  console.log(`  fake upstreams: ${upstream.fast.url} (immediate), ${upstream.slow.url} (holds ${options.slowDelayMs} ms)`);
  const version = await ensureNginx();
  const ng = await startNginx(options.work, [{ name: 'fast', upstream: upstream.fast.url }, { name: 'slow', upstream: upstream.slow.url }], { core: cores.gateway, buffering: options.nginxBuffering });
  console.log(`  ${version}: ${ng.urls.get('fast')} -> fast, ${ng.urls.get('slow')} -> slow`);
  const pipe = {
    fast: await nodeServer('node-pipe', bundles.nodePipe, { BENCH_PIPE_UPSTREAM: upstream.fast.url }, cores.gateway),
    slow: await nodeServer('node-pipe-slow', bundles.nodePipe, { BENCH_PIPE_UPSTREAM: upstream.slow.url }, cores.gateway),
  };
  console.log(`  node pipes: ${pipe.fast.url}, ${pipe.slow.url}`);
  const base = { root: options.root, work: options.work, core: cores.gateway, imageStore: options.aigateImageStore };
  const [fast, slow, sandbox] = await Promise.all([
    startAigate({ ...base, name: 'pass', upstream: { url: upstream.fast.url, key: upstreamKey } }),
    startAigate({ ...base, name: 'slow', upstream: { url: upstream.slow.url, key: upstreamKey } }),
    startAigate({ ...base, name: 'sandbox' }),
  ]);
  const aigate = { fast, slow, sandbox };
  console.log(`  aigate: ${aigate.fast.url} (stability channel), ${aigate.slow.url} (slow channel), ${aigate.sandbox.url} (sandbox)`);
  const entry = await ensurePortkey(options.work);
  const portkey = await startPortkey(entry, bundles.loopbackPreload, cores.gateway);
  console.log(`  portkey: ${portkey.url}`);
  const processes = [
    { name: 'fake upstream', pid: upstream.fast.child.pid },
    { name: 'fake upstream (slow)', pid: upstream.slow.child.pid },
    { name: 'nginx (master + worker)', pid: ng.child.pid },
    { name: 'node-pipe', pid: pipe.fast.child.pid },
    { name: 'node-pipe (slow)', pid: pipe.slow.child.pid },
    { name: 'aigate (stability channel)', pid: fast.child.pid },
    { name: 'aigate (slow channel)', pid: slow.child.pid },
    { name: 'aigate (sandbox)', pid: sandbox.child.pid },
    { name: 'portkey', pid: portkey.child.pid },
  ];
  return { upstreamKey, upstream, nginx: { child: ng.child, fast: ng.urls.get('fast')!, slow: ng.urls.get('slow')!, version }, pipe, aigate, portkey, processes };
}
