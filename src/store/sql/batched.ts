/**
 * @module Writes queued within one turn of the event loop, committed together. Under load many
 * requests finish in the same turn; one transaction for their rows appends each touched page to
 * SQLite's WAL once instead of once per row (and saves PostgreSQL round trips). A caller still
 * waits for its own row: the promise settles when the batch is committed.
 */

interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * `writeAll` commits a batch in one transaction; when it fails, each item is retried alone with
 * `writeOne`, so one bad row cannot take the others down with it.
 */
export function batchedPerTick<T>(writeAll: (items: readonly T[]) => Promise<void>, writeOne: (item: T) => Promise<void>): (item: T) => Promise<void> {
  let queue: Queued<T>[] = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    try {
      await writeAll(batch.map((q) => q.item));
      for (const q of batch) q.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const q of batch) await writeOne(q.item).then(q.resolve, q.reject);
    }
  };
  // One flush at a time, so batches (and a failed batch's row-by-row retry) commit in order.
  let tail: Promise<void> = Promise.resolve();
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (queue.length === 1) setImmediate(() => (tail = tail.then(flush)));
    });
}
