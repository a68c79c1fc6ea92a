/**
 * @module Runs the built `aigate` command as a user would: the station as a child process (ready
 * when it prints its address, no sleeping) and one-shot CLI commands.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The environment a spawned `aigate` gets: this process's, without the variables that switch it
 * off its embedded default (CI exports DATABASE_URL and REDIS_URL for the service tests), plus `env`.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, REDIS_URL: _redis, AIGATE_SECRET: _secret, ...rest } = process.env;
  return { ...rest, ...env };
}
export const BIN = path.join(ROOT, 'bin', 'aigate.js');

export interface RunningStation {
  url: string;
  output: () => string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

export async function startStation(env: Record<string, string>): Promise<RunningStation> {
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: childEnv({ PORT: '0', AIGATE_LOG_LEVEL: 'warn', ...env }) });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`station exited with ${code} before listening:\n${output}`)));
  });
  // Keep collecting: the first-start banner follows the address line.
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: readonly string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a CLI command with --json and parses its one JSON object. */
export function cliJson<T = Record<string, unknown>>(args: readonly string[], env: Record<string, string>): T {
  const result = cli([...args, '--json'], env);
  if (result.status !== 0) throw new Error(`aigate ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
