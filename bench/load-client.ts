/**
 * @module The orchestrator's side of the load generators: wrk jobs are spawned from here, the
 * autocannon worker is forked once (plain node, no loader); both inherit the load core. The
 * load side's CPU is this process's own and reaped children's (wrk) plus the worker's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { FromWorker, LoadJob, LoadResult } from './load-job.js';
import { cpuSeconds, ownCpuSeconds } from './proc-stats.js';
import { runWrk, stopWrk } from './wrk.js';

export interface LoadGenerator {
  run(job: LoadJob): Promise<LoadResult>;
  /** CPU seconds used so far by the load side (generators and this orchestrator). */
  cpu(): number;
  stop(): Promise<void>;
}

export async function startLoadGenerator(workerFile: string, work: string): Promise<LoadGenerator> {
  const child: ChildProcess = fork(workerFile, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let next = 1;
  const exited = once(child, 'exit');
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error('the autocannon worker exited'));
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the autocannon worker exited (${code}) before it was ready`)));
  });
  child.on('message', (message: FromWorker) => {
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if ('error' in message) p.reject(new Error(message.error));
    else p.resolve(message.result);
  });
  const autocannon = (job: LoadJob) =>
    new Promise<LoadResult>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, job });
    });
  return {
    run: (job) => (job.tool === 'wrk' ? runWrk(job, work) : autocannon(job)),
    cpu: () => ownCpuSeconds(process.pid) + (child.pid ? cpuSeconds([child.pid]) : 0),
    stop: async () => {
      stopWrk();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
