/**
 * @module Runs wrk (Debian's, installed on demand) for one job: one thread (the load core is one
 * core), the job's connections and seconds, the request from a generated Lua script, and a
 * `done()` hook that writes the summary and wrk's whole latency histogram (microseconds, each
 * distinct value with its count) as JSON, so rounds can be pooled exactly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadJob, LoadResult } from './load-job.js';
import { ensureDebianPackage, run } from './processes.js';

export const WRK = '/usr/bin/wrk';

export async function ensureWrk(): Promise<string> {
  await ensureDebianPackage(WRK, 'wrk');
  // `wrk -v` prints its version with the usage text and exits non-zero.
  const { stdout, stderr } = spawnSync(WRK, ['-v'], { encoding: 'utf8' });
  return `${stdout}${stderr}`.match(/wrk \S+/)?.[0] ?? 'wrk (unknown version)';
}

const lua = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string literal here (no \u escapes needed for our ASCII)

function script(job: LoadJob, bodyFile: string, outFile: string): string {
  const headers = Object.entries(job.headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`);
  return `wrk.method = ${lua(job.method)}
${headers.join('\n')}
local f = io.open(${lua(bodyFile)}, "rb"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  local parts = {}
  for i = 1, #latency do
    local v, c = latency(i)
    parts[#parts + 1] = string.format("[%d,%d]", v, c)
  end
  local e = summary.errors
  local out = io.open(${lua(outFile)}, "w")
  out:write(string.format('{"requests":%d,"duration":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"latency":[%s]}',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")))
  out:close()
end
`;
}

interface WrkSummary {
  requests: number;
  duration: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  latency: [number, number][];
}

let running: ChildProcess | undefined;

/** Stops a wrk run in progress (on the way out after an error or a signal). */
export const stopWrk = () => running?.kill('SIGTERM');

export async function runWrk(job: LoadJob, work: string): Promise<LoadResult> {
  const dir = path.join(work, 'wrk');
  mkdirSync(dir, { recursive: true });
  const [bodyFile, outFile, scriptFile] = ['body.bin', 'out.json', 'job.lua'].map((f) => path.join(dir, f)) as [string, string, string];
  writeFileSync(bodyFile, Buffer.from(job.body, 'base64'));
  rmSync(outFile, { force: true });
  writeFileSync(scriptFile, script(job, bodyFile, outFile));
  const args = ['-t1', `-c${job.connections}`, `-d${Math.max(1, Math.round(job.seconds ?? 1))}s`, `--timeout`, `${job.timeoutSeconds}s`, '-s', scriptFile, job.url];
  const stderr: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(WRK, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    running = child;
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      running = undefined;
      resolve(exitCode);
    });
  });
  if (code !== 0 || !existsSync(outFile)) throw new Error(`wrk ${args.join(' ')} failed (${code}): ${stderr.join('')}`);
  const s = JSON.parse(readFileSync(outFile, 'utf8')) as WrkSummary;
  return {
    completed: s.requests,
    ok: s.requests - s.status,
    non2xx: s.status,
    errors: s.connect + s.read + s.write,
    timeouts: s.timeout,
    elapsedMs: s.duration / 1000,
    latency: s.latency.map(([us, count]) => [us / 1000, count]),
    bytes: s.bytes,
    ...(s.status ? { firstError: `${s.status} answers with status >= 400` } : {}),
  };
}
