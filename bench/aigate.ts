/**
 * @module Runs the BUILT station (`node bin/aigate.js serve`, what users run) on a fresh SQLite
 * data directory in bench/.work: a key with credits to spare, limits raised out of the way, and
 * either a stability channel pointed at a fake upstream (sandbox disabled, so every request takes
 * the full pass-through path) or the sandbox alone. Set up through the CLI, as an operator would.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { run, startChild, type Child } from './processes.js';
import { startFlags } from './start-flags.js';

export interface AigateOptions {
  root: string;
  work: string;
  /** Names the data directory and the process. */
  name: string;
  core: number | undefined;
  /** A Stability-compatible upstream; without it the station serves from its sandbox. */
  upstream?: { url: string; key: string };
  /** AIGATE_IMAGE_STORE: whether the station keeps each image it delivers. */
  imageStore: 'off' | 'disk';
  /** Node flags for the server only (bench/profile.ts passes `--cpu-prof`). */
  nodeArgs?: readonly string[];
}

export interface Aigate {
  child: Child;
  url: string;
  /** The API key (`sk-...`) holding the benchmark's credits. */
  key: string;
}

/** The station's environment: ours minus anything that would move it off SQLite or change its limits. */
function stationEnv(dataDir: string, upstreamKey: string | undefined, imageStore: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIGATE_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL' && k !== 'PORT'));
  return {
    ...env,
    AIGATE_DATA_DIR: dataDir,
    AIGATE_HOST: '127.0.0.1',
    PORT: '0',
    AIGATE_LOG_LEVEL: 'warn',
    AIGATE_KEY_RATE_LIMIT: '1000000000/1s',
    AIGATE_IP_RATE_LIMIT: '1000000000/1s',
    AIGATE_SECRET: randomBytes(32).toString('hex'),
    AIGATE_SHUTDOWN_GRACE_SECONDS: '1',
    AIGATE_IMAGE_STORE: imageStore,
    ...(upstreamKey ? { BENCH_UPSTREAM_KEY: upstreamKey } : {}),
  };
}

export async function startAigate(options: AigateOptions): Promise<Aigate> {
  const bin = path.join(options.root, 'bin', 'aigate.js');
  if (!existsSync(path.join(options.root, 'dist', 'main.js'))) throw new Error('the station is not built: run `npm run build` first');
  const dataDir = path.join(options.work, `aigate-${options.name}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env = stationEnv(dataDir, options.upstream?.key, options.imageStore);
  const cli = async (...args: string[]) => JSON.parse(await run(process.execPath, [bin, ...args, '--json'], { cwd: options.root, env })) as Record<string, unknown>;

  const created = await cli('keys', 'create', '--name', 'bench', '--credits', '100000000');
  if (options.upstream) {
    await cli('channels', 'add', 'stability', '--name', 'bench-upstream', '--base-url', options.upstream.url, '--key-env', 'BENCH_UPSTREAM_KEY', '--timeout', '120');
    await cli('channels', 'disable', 'sandbox', '--reason', 'benchmark: pass-through only');
  }
  const { child, match } = await startChild(`aigate-${options.name}`, process.execPath, [...startFlags(options.root), ...(options.nodeArgs ?? []), bin, 'serve'], {
    cwd: options.root,
    env,
    core: options.core,
    ready: /listening on (http:\/\/[^\s]+)/,
  });
  return { child, url: match[1]!, key: String(created.key) };
}

/** Removes a station's data directory once it has stopped. */
export const removeAigateData = (work: string, name: string) => rmSync(path.join(work, `aigate-${name}`), { recursive: true, force: true });
