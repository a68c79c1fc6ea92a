/**
 * @module The SQL store against the shared Store suite, in memory and on a file, plus the case the
 * file exists for: two stores (the CLI's and the station's) on one SQLite file competing for one key.
 * The competing stores live in two child processes, as in production: better-sqlite3 waits for a
 * busy lock synchronously, so two connections inside one event loop that both hold a transaction
 * open across an await would block each other until busy_timeout and fail with SQLITE_BUSY.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../open-store.js';
import { assertLedgerConsistent, newKey, runStoreSuite } from '../store-suite.js';
import type { Store } from '../store.js';
import type { ChildMessage } from './test-hold-child.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'aigate-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;
const freshFile = () => path.join(tmp, `db-${++files}`, 'aigate.db');

runStoreSuite(() => openStore({ sqlitePath: ':memory:' }), 'SQLite in memory');
runStoreSuite(() => openStore({ sqlitePath: freshFile() }), 'SQLite file');

describe('two stores on one SQLite file', () => {
  const price = 6_500;

  it('two processes: exactly the 30 affordable holds of 100 interleaved concurrent ones succeed', async (t) => {
    const file = freshFile();
    const parent = await openStore({ sqlitePath: file });
    const children: ChildProcess[] = [];
    try {
      const key = await parent.keys.create(newKey({ credits: 30 * price }));
      for (const tag of ['cli', 'station']) {
        children.push(
          fork(CHILD, [file, key.id, '50', String(price), tag], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
        );
      }
      await Promise.all(children.map((c) => nextMessage(c, 'ready')));
      // Both processes start holding on the same word; within each, all 50 holds are in flight at once.
      const held = await Promise.all(
        children.map((c) => {
          const reply = nextMessage(c, 'held');
          c.send('go');
          return reply;
        }),
      );
      const won = held.map((m) => m.holdIds.length);
      assert.equal(won[0]! + won[1]!, 30, `holds won per process: ${won.join(' + ')}`);
      t.diagnostic(`holds won per process: ${won.join(' + ')}`);
      for (const m of held) for (const reason of m.refusals) assert.equal(reason, 'insufficient_balance');
      assert.equal(held[0]!.refusals.length + held[1]!.refusals.length, 70);

      const during = await assertLedgerConsistent(parent, key.id);
      assert.equal(during.held, 30 * price);
      assert.equal(during.balance, 30 * price);
      assert.equal(during.balance - during.held, 0);
      assert.equal(await parent.credits.openHolds(key.id), 30);

      // Each process captures what it won, concurrently with the other.
      const captured = await Promise.all(
        children.map((c) => {
          const reply = nextMessage(c, 'captured');
          c.send('capture');
          return reply;
        }),
      );
      assert.deepEqual(
        captured.flatMap((m) => m.results),
        Array.from({ length: 30 }, () => true),
      );
      const settled = await assertLedgerConsistent(parent, key.id);
      assert.equal(settled.balance, 0);
      assert.equal(settled.held, 0);
      assert.equal(settled.spent, 30 * price);
      const charges = (await parent.credits.ledger(key.id)).filter((e) => e.kind === 'charge');
      assert.equal(charges.length, 30);
      assert.ok(charges.every((c) => c.amount === -price));
      assert.equal(await parent.credits.openHolds(), 0);
    } finally {
      for (const c of children) if (c.exitCode === null && c.connected) c.disconnect();
      await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
      await parent.close();
    }
  });

  it('one process, two stores alternating: each sees the other’s holds at once', async () => {
    const file = freshFile();
    const stores = [await openStore({ sqlitePath: file }), await openStore({ sqlitePath: file })] as const;
    try {
      const key = await stores[0].keys.create(newKey({ credits: 30 * price }));
      let won = 0;
      const holdIds: { store: Store; id: string }[] = [];
      for (let i = 0; i < 100; i++) {
        const store = stores[i % 2]!;
        const outcome = await store.credits.hold(key.id, price, `req-${i}`, Date.now() + 900_000);
        if (outcome.ok) {
          won++;
          holdIds.push({ store, id: outcome.holdId });
        } else assert.equal(outcome.reason, 'insufficient_balance');
      }
      assert.equal(won, 30);
      for (const { store, id } of holdIds) assert.equal(await store.credits.capture(id), true);
      const settled = await assertLedgerConsistent(stores[1], key.id);
      assert.equal(settled.balance, 0);
      assert.equal(settled.spent, 30 * price);
      assert.equal(await stores[0].credits.openHolds(), 0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

const CHILD = fileURLToPath(new URL('./test-hold-child.ts', import.meta.url));

/** The child's next message of `type`; rejects if it reports a failure or exits first. */
function nextMessage<T extends ChildMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type === type) done(() => resolve(message as Extract<ChildMessage, { type: T }>));
      else if (message.type === 'failed') done(() => reject(new Error(`child failed: ${message.error}`)));
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`child exited (${code}) before '${type}'`)));
    const done = (settle: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
