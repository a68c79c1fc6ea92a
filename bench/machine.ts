/** @module The machine a run happened on, for the head of RESULTS.md: a figure means little without it. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  autocannon: string;
  loadAverage: string;
  date: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus[0]?.model ?? 'unknown';
  const mhz = cpus[0]?.speed ? ` @ ${cpus[0].speed} MHz` : '';
  const manifest = createRequire(import.meta.url)('autocannon/package.json') as { version: string };
  return {
    cpu: `${model}${mhz}`,
    cores: cpus.length, // online CPUs: availableParallelism() would report the one this process is pinned to
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    autocannon: manifest.version,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
}
