/**
 * @module Moves SQLite's WAL checkpoints off the request path. With `synchronous = NORMAL` a commit
 * only appends to the WAL; the fsyncs happen when the WAL is copied back into the database file,
 * and SQLite's automatic checkpoint does that inside whichever commit crosses 1000 pages: a
 * request that pays several milliseconds. A worker thread with its own connection checkpoints
 * (PASSIVE: it never blocks a writer) a few times a second instead; the automatic checkpoint stays
 * on, at a higher mark, as the backstop should the worker ever stop.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 250;
/** The main connection's own checkpoint mark, in pages (4 KiB): only reached if the worker falls behind. */
export const BACKSTOP_PAGES = 10_000;

// A script, not a module file: it runs the same from src/ (tsx) and dist/ (node).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
let failing = false; // reported once per run of failures, not every interval
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); failing = false; } catch (error) { if (!failing) parentPort.postMessage(String(error)); failing = true; }
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (a WAL-mode database) from a worker thread. `onError`: a failed checkpoint, for the log. */
export function startCheckpointer(file: string, onError: (message: string) => void = () => undefined): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs: CHECKPOINT_INTERVAL_MS } });
  worker.on('message', (message) => onError(String(message)));
  worker.on('error', (error) => onError(String(error)));
  // Never what keeps the process alive.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
