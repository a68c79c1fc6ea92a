/**
 * @module The fake upstream as a process of its own (bundled to plain JS by run.ts, so no loader
 * weighs on it), pinned beside the load generator. Env: BENCH_UPSTREAM_IMAGE (the PNG file),
 * BENCH_UPSTREAM_KEY, BENCH_UPSTREAM_DELAY_MS. Prints `listening on http://127.0.0.1:<port>`.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createFakeUpstream, upstreamImage } from './fake-upstream.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const server = createFakeUpstream({
  image: upstreamImage(readFileSync(env('BENCH_UPSTREAM_IMAGE'))),
  key: env('BENCH_UPSTREAM_KEY'),
  delayMs: Number(process.env.BENCH_UPSTREAM_DELAY_MS ?? 0),
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
