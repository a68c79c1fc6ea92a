/**
 * @module Bundles the benchmark's own child processes (fake upstream, Node pipe, load generator,
 * Portkey's loopback preload) to plain ESM with esbuild, so they run on bare `node`: no
 * TypeScript loader thread inflating the Node pipe's memory or CPU, which would flatter every
 * gateway compared with it.
 */
import path from 'node:path';
import { build } from 'esbuild';

export interface Bundles {
  fakeUpstream: string;
  nodePipe: string;
  loadWorker: string;
  loopbackPreload: string;
}

export async function bundleChildren(root: string, work: string): Promise<Bundles> {
  const outdir = path.join(work, 'js');
  const entries = { fakeUpstream: 'fake-upstream-main', nodePipe: 'node-pipe-main', loadWorker: 'load-worker', loopbackPreload: 'loopback-preload' } as const;
  await build({
    entryPoints: Object.values(entries).map((name) => path.join(root, 'bench', `${name}.ts`)),
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const file = (name: string) => path.join(outdir, `${name}.mjs`);
  return {
    fakeUpstream: file(entries.fakeUpstream),
    nodePipe: file(entries.nodePipe),
    loadWorker: file(entries.loadWorker),
    loopbackPreload: file(entries.loopbackPreload),
  };
}
