/**
 * @module The autocannon side of the load generator: a process of its own (bundled to plain JS,
 * on the load core), running one fixed-size job at a time on IPC messages from load-client.ts.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { FromWorker, LoadJob, LoadResult, ToWorker } from './load-job.js';

interface AutocannonResult {
  errors: number;
  timeouts: number;
}
type Tracker = EventEmitter & PromiseLike<AutocannonResult>;
const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Tracker;

// autocannon keeps every response body by `body += chunk`, a UTF-8 string concatenation that
// costs more than a gateway's whole work for a 1.4 MB picture. Bodies are not needed (smoke.ts
// checks them), so they are dropped.
const queue = require('autocannon/lib/pipelinedRequestsQueue') as { prototype: { addBody(data: unknown): void } };
queue.prototype.addBody = () => {};

async function runJob(job: LoadJob): Promise<LoadResult> {
  const result: LoadResult = { completed: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 0, elapsedMs: 0, latency: [], bytes: 0 };
  const start = performance.now();
  const tracker = autocannon({
    url: job.url,
    method: job.method,
    headers: job.headers,
    body: Buffer.from(job.body, 'base64'),
    connections: job.connections,
    amount: job.amount ?? job.connections,
    timeout: job.timeoutSeconds,
    pipelining: 1,
  });
  tracker.on('response', (_client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
    result.completed++;
    result.bytes += resBytes;
    if (statusCode >= 200 && statusCode < 300) {
      result.ok++;
      result.latency.push([responseTime, 1]);
    } else {
      result.non2xx++;
      result.firstError ??= `status ${statusCode}`;
    }
  });
  tracker.on('reqError', (error: Error) => {
    result.firstError ??= error.message;
  });
  const summary = await tracker;
  result.elapsedMs = performance.now() - start;
  result.errors = summary.errors - summary.timeouts;
  result.timeouts = summary.timeouts;
  return result;
}

process.on('message', (message: ToWorker) => {
  const reply = (m: FromWorker) => process.send?.(m);
  runJob(message.job).then(
    (result) => reply({ id: message.id, result }),
    (error: unknown) => reply({ id: message.id, error: String((error as Error).stack ?? error) }),
  );
});
process.send?.({ id: 0, ready: true });
