/**
 * @module Core pinning: the gateway under test gets one core to itself and everything else (the
 * load generator, the fake upstreams, this orchestrator) the other, so the gateway's CPU per
 * request is what is measured and its core's saturation is visible. The orchestrator pins
 * itself, so every child it forks inherits the load core; gateways start under `taskset -c`.
 */
import { spawnSync } from 'node:child_process';
import type { Cores } from './measure.js';
import { allowedCpus } from './proc-stats.js';

export function pinCores(): Cores & { why: string } {
  const cpus = allowedCpus();
  const taskset = spawnSync('taskset', ['--version'], { encoding: 'utf8' });
  if (cpus.length < 2 || taskset.error) {
    return { gateway: undefined, load: undefined, why: cpus.length < 2 ? `only ${cpus.length} CPU allowed: not pinned` : 'taskset is missing: not pinned' };
  }
  const [gateway, load] = [cpus[0]!, cpus[1]!];
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', String(load), String(process.pid)], { encoding: 'utf8' });
  if (pinned.status !== 0) return { gateway: undefined, load: undefined, why: `taskset failed (${pinned.stderr.trim()}): not pinned` };
  return { gateway, load, why: `gateway on CPU ${gateway}; load generator, upstreams and orchestrator on CPU ${load}` };
}
