/**
 * @module Child processes of the benchmark: each server runs in its own process group (so a stop
 * reaches its workers too), optionally pinned to one core with taskset, and is "ready" when it
 * prints its listening line, never after a guessed sleep. Every child is registered, so one
 * `stopAll()` in a finally block leaves nothing running, whatever failed.
 */
import { existsSync } from 'node:fs';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The last lines it printed, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Runs it under `taskset -c <core>`; undefined leaves it where it is (it inherits ours). */
  core?: number | undefined;
  /** The line that says it is ready; its match is returned. */
  ready: RegExp;
  /** Fail-safe only: how long a start may take before it counts as failed. */
  timeoutMs?: number;
}

const running = new Set<Child>();

function stopper(name: string, proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    const exited = once(proc, 'exit');
    const group = -proc.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        /* gone in the meantime */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
    if (process.env.BENCH_DEBUG) console.log(`  stopped ${name} (pid ${proc.pid})`);
  };
}

export async function startChild(name: string, command: string, args: readonly string[], options: StartOptions): Promise<{ child: Child; match: RegExpMatchArray }> {
  const [cmd, argv] = options.core === undefined ? [command, [...args]] : ['taskset', ['-c', String(options.core), command, ...args]];
  const proc = spawn(cmd, argv, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const child: Child = { name, pid: proc.pid ?? -1, process: proc, tail: () => lines.join('\n'), stop: stopper(name, proc) };
  running.add(child);
  proc.once('exit', () => running.delete(child));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print ${options.ready} within ${options.timeoutMs ?? 60000} ms:\n${child.tail()}`)), options.timeoutMs ?? 60_000);
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      const found = line.match(options.ready);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    for (const stream of [proc.stdout, proc.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);
    proc.once('error', (error) => (clearTimeout(timer), reject(error)));
    proc.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${child.tail()}`))));
  }).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return { child, match };
}

/** Stops every child still running, newest first. */
export async function stopAll(): Promise<void> {
  for (const child of [...running].reverse()) await child.stop().catch(() => {});
}

/** Runs a command to completion. @throws with its stderr when it fails. */
export async function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, [...args], { ...options, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as Error & { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

/** Installs a Debian package when `binary` is missing (as root), updating the index only if needed. */
export async function ensureDebianPackage(binary: string, pkg: string): Promise<void> {
  if (existsSync(binary)) return;
  console.log(`  ${pkg} is missing: apt-get install -y ${pkg}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['install', '-y', pkg], { env }).catch(async () => {
    await run('apt-get', ['update'], { env });
    await run('apt-get', ['install', '-y', pkg], { env });
  });
}
