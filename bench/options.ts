/**
 * @module The benchmark's knobs, read once from argv and the environment so a full run and a
 * `--quick` smoke run are the same code with different sizes. Every knob is printed into
 * RESULTS.md, so a figure can always be traced back to how it was measured.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchOptions {
  quick: boolean;
  /** Target seconds of measured load per target and round at c=1 and c=64 (BENCH_SECONDS). */
  seconds: number;
  /** Rounds per target, interleaved A B C ... A B C (BENCH_ROUNDS, default 2). */
  rounds: number;
  /** The slow upstream's hold per answer (BENCH_SLOW_DELAY_MS, default 2000). */
  slowDelayMs: number;
  /** Connections of the in-flight phase (BENCH_INFLIGHT, default 500). */
  inFlight: number;
  /** Waves of `inFlight` requests in that phase (BENCH_INFLIGHT_WAVES). */
  inFlightWaves: number;
  /** Iterations of the in-process ledger micro-benchmark (BENCH_LEDGER_ITERATIONS). */
  ledgerIterations: number;
  /** Only targets whose name contains one of these (BENCH_ONLY=pipe,aigate); all when empty. */
  only: string[];
  /**
   * Where aigate keeps the images it delivers (BENCH_AIGATE_IMAGE_STORE, default off). The issue's
   * path is auth, parse, validation, hold, forward, capture, usage log; the station's default disk
   * store would also write every 1.4 MB answer to disk (tens of GB over a full run).
   */
  aigateImageStore: 'off' | 'disk';
  /** nginx `proxy_buffering` (BENCH_NGINX_BUFFERING=on|off, default off: a streaming pipe). */
  nginxBuffering: boolean;
  /** Where RESULTS.md goes (BENCH_OUT, default bench/RESULTS.md). */
  out: string;
  /** The repository root and bench/.work, the scratch folder (gitignored). */
  root: string;
  work: string;
  /** The command line as typed, for RESULTS.md. */
  command: string;
}

const num = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: "${text}" is not a positive number`);
  return value;
};

export function readOptions(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length) throw new Error(`unknown argument(s) ${unknown.join(' ')}; the only flag is --quick (sizes come from BENCH_* variables)`);
  const quick = argv.includes('--quick');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const vars = Object.entries(env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${v ?? ''}`);
  return {
    quick,
    seconds: num(env, 'BENCH_SECONDS', quick ? 1 : 10),
    rounds: Math.round(num(env, 'BENCH_ROUNDS', 2)),
    slowDelayMs: num(env, 'BENCH_SLOW_DELAY_MS', 2000),
    inFlight: Math.round(num(env, 'BENCH_INFLIGHT', quick ? 200 : 500)),
    inFlightWaves: Math.round(num(env, 'BENCH_INFLIGHT_WAVES', quick ? 1 : 3)),
    ledgerIterations: Math.round(num(env, 'BENCH_LEDGER_ITERATIONS', quick ? 2000 : 20000)),
    only: (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    aigateImageStore: env.BENCH_AIGATE_IMAGE_STORE === 'disk' ? 'disk' : 'off',
    nginxBuffering: (env.BENCH_NGINX_BUFFERING ?? 'off') === 'on',
    out: path.resolve(root, env.BENCH_OUT ?? 'bench/RESULTS.md'),
    root,
    work: path.join(root, 'bench', '.work'),
    command: [...vars, 'npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}
