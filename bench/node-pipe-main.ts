/**
 * @module The Node pipe proxy as a process of its own (bundled to plain JS by run.ts), pinned to
 * the gateway core. Env: BENCH_PIPE_UPSTREAM (a base URL). Prints `listening on http://...`.
 */
import type { AddressInfo } from 'node:net';
import { createNodePipe } from './node-pipe.js';

const upstream = process.env.BENCH_PIPE_UPSTREAM;
if (!upstream) throw new Error('BENCH_PIPE_UPSTREAM is not set');
const server = createNodePipe(new URL(upstream));
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
