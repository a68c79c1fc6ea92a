import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchedPerTick } from './batched.js';

test('items queued in one turn are written as one batch, in order, each caller waiting for the commit', async () => {
  const batches: number[][] = [];
  const write = batchedPerTick<number>(async (items) => void batches.push([...items]), async () => assert.fail('no single retries'));
  const settled: number[] = [];
  const first = [1, 2, 3].map((n) => write(n).then(() => settled.push(n)));
  assert.deepEqual(batches, [], 'nothing is written before the turn ends');
  await Promise.all(first);
  await write(4);
  assert.deepEqual(batches, [[1, 2, 3], [4]]);
  assert.deepEqual(settled, [1, 2, 3]);
});

test('a failed batch is retried item by item: only the bad item fails', async () => {
  const written: number[] = [];
  const write = batchedPerTick<number>(
    async () => {
      throw new Error('batch refused');
    },
    async (n) => {
      if (n === 2) throw new Error(`item ${n} refused`);
      written.push(n);
    },
  );
  const results = await Promise.allSettled([1, 2, 3].map((n) => write(n)));
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(written, [1, 3]);
});
