/**
 * @module The Store contract as a test suite, run against every implementation: the SQL store on
 * SQLite (src/store/sql/credits-repo.test.ts) and on PostgreSQL (src/store/postgres/). Not a
 * `.test.ts` file on purpose: the runner only picks up the files that call it with an `open` of
 * their own.
 *
 * `open` must return a fresh, empty, migrated store on every call; each test closes its own.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ApiKeyRecord, HoldOutcome, LedgerEntry, NewApiKey, Store } from './store.js';
import { adjustSuites } from './store-suite-adjust.js';
import { imageSuites } from './store-suite-images.js';
import { recordSuites } from './store-suite-records.js';

import { mulberry32 } from '../providers/sandbox/prng.js';

export { mulberry32 };

export function newKey(overrides: Partial<NewApiKey> = {}): NewApiKey {
  const secret = randomBytes(16).toString('hex');
  return {
    name: 'test key',
    hash: `hash-${secret}`,
    prefix: `sk-${secret.slice(0, 4)}`,
    last4: secret.slice(-4),
    credits: 0,
    cap: null,
    rateLimit: null,
    models: null,
    expiresAt: null,
    ...overrides,
  };
}

const sum = (entries: readonly LedgerEntry[]) => entries.reduce((total, e) => total + e.amount, 0);

/** The ledger invariants that hold after any sequence of operations on a key. */
export async function assertLedgerConsistent(store: Store, keyId: string, where = ''): Promise<ApiKeyRecord> {
  const key = await store.keys.get(keyId);
  assert.ok(key, `key ${keyId} exists ${where}`);
  const ledger = await store.credits.ledger(keyId);
  assert.equal(key.balance, sum(ledger), `balance equals the sum of the ledger ${where}`);
  assert.ok(key.balance >= 0, `balance ${key.balance} is never negative ${where}`);
  assert.ok(key.held >= 0 && key.held <= key.balance, `0 <= held (${key.held}) <= balance (${key.balance}) ${where}`);
  let running = 0;
  for (const entry of ledger) {
    running += entry.amount;
    assert.equal(entry.balanceAfter, running, `ledger row ${entry.id} balance_after is the running sum ${where}`);
    assert.ok(entry.balanceAfter >= 0, `ledger row ${entry.id} never shows a negative balance ${where}`);
  }
  const charged = 0 - sum(ledger.filter((e) => e.kind === 'charge'));
  assert.equal(key.spent, charged, `spent equals the sum of the charges ${where}`);
  return key;
}


export const holdFor = (store: Store, keyId: string, amount: number, requestId = `req-${randomBytes(4).toString('hex')}`) =>
  store.credits.hold(keyId, amount, requestId, Date.now() + 900_000);

export const holdId = (outcome: HoldOutcome) => {
  assert.equal(outcome.ok, true, `hold should succeed: ${JSON.stringify(outcome)}`);
  return (outcome as { holdId: string }).holdId;
};

export function runStoreSuite(open: () => Promise<Store>, name = 'Store'): void {
  /** Opens a fresh store for one test and always closes it. */
  const withStore = (fn: (store: Store) => Promise<void>) => async () => {
    const store = await open();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`${name}: keys`, () => {
    it(
      'creates a key with its opening balance and exactly one grant ledger row',
      withStore(async (store) => {
        const input = newKey({ credits: 6_500, cap: 100_000, rateLimit: { points: 5, windowSeconds: 60 }, models: ['sd3-large'], expiresAt: 9_999 });
        const key = await store.keys.create(input);
        assert.match(key.id, /\S/);
        assert.equal(key.balance, 6_500);
        assert.equal(key.held, 0);
        assert.equal(key.spent, 0);
        const ledger = await store.credits.ledger(key.id);
        assert.equal(ledger.length, 1);
        assert.equal(ledger[0]!.kind, 'grant');
        assert.equal(ledger[0]!.amount, 6_500);
        assert.equal(ledger[0]!.balanceAfter, 6_500);
        assert.equal(ledger[0]!.keyId, key.id);

        const stored = await store.keys.get(key.id);
        assert.deepEqual(stored, key);
        assert.equal(stored!.cap, 100_000);
        assert.deepEqual(stored!.rateLimit, { points: 5, windowSeconds: 60 });
        assert.deepEqual(stored!.models, ['sd3-large']);
        assert.equal(stored!.expiresAt, 9_999);
        assert.equal(stored!.revokedAt, null);
      }),
    );

    it(
      'creates a key without credits with an empty ledger',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 0 }));
        assert.equal(key.balance, 0);
        assert.deepEqual(await store.credits.ledger(key.id), []);
        assert.equal(key.cap, null);
        assert.equal(key.rateLimit, null);
        assert.equal(key.models, null);
      }),
    );

    it(
      'finds a key by its hash and nothing for an unknown hash',
      withStore(async (store) => {
        const input = newKey({ credits: 1_000 });
        const key = await store.keys.create(input);
        await store.keys.create(newKey());
        const found = await store.keys.findByHash(input.hash);
        assert.equal(found?.id, key.id);
        assert.equal(found?.balance, 1_000);
        assert.equal(found?.prefix, input.prefix);
        assert.equal(found?.last4, input.last4);
        assert.equal(await store.keys.findByHash('hash-nobody'), undefined);
        assert.equal(await store.keys.get('key_nobody'), undefined);
      }),
    );

    it(
      'lists every key',
      withStore(async (store) => {
        const a = await store.keys.create(newKey({ name: 'a' }));
        const b = await store.keys.create(newKey({ name: 'b' }));
        const ids = (await store.keys.list()).map((k) => k.id).sort();
        assert.deepEqual(ids, [a.id, b.id].sort());
      }),
    );

    it(
      'revokes an existing key (true) and reports an unknown one (false)',
      withStore(async (store) => {
        const input = newKey();
        const key = await store.keys.create(input);
        assert.equal(await store.keys.revoke(key.id, 5_000), true);
        assert.equal((await store.keys.get(key.id))?.revokedAt, 5_000);
        assert.equal((await store.keys.findByHash(input.hash))?.revokedAt, 5_000);
        // Revoking again still names an existing key, and keeps the first revocation time.
        assert.equal(await store.keys.revoke(key.id, 6_000), true);
        assert.equal((await store.keys.get(key.id))?.revokedAt, 5_000);
        assert.equal(await store.keys.revoke('key_nobody', 5_000), false);
      }),
    );
  });

  describe(`${name}: expired holds`, () => {
    it(
      'releaseExpired gives back only open holds whose lease ran out, once',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 20_000 }));
        const stale = holdId(await store.credits.hold(key.id, 6_500, 'req-stale', 1_000));
        const live = holdId(await store.credits.hold(key.id, 4_000, 'req-live', 5_000));
        const captured = holdId(await store.credits.hold(key.id, 2_500, 'req-done', 1_000));
        assert.equal(await store.credits.capture(captured), true);
        assert.equal(await store.credits.releaseExpired(2_000), 1);
        assert.equal(await store.credits.releaseExpired(2_000), 0, 'a second sweep finds nothing');
        const after = await assertLedgerConsistent(store, key.id, 'after the sweep');
        assert.deepEqual([after.balance, after.held, after.spent], [17_500, 4_000, 2_500]);
        assert.equal(await store.credits.capture(stale), false, 'a reclaimed hold cannot be captured');
        assert.equal(await store.credits.capture(live), true);
        assert.equal(await store.credits.openHolds(key.id), 0);
      }),
    );
  });

  describe(`${name}: holds`, () => {
    it(
      'holds, captures and releases asked for at once each settle as they would alone, and never overdraw',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 20_000 }));
        // On SQLite these share one transaction (decision 108): each still sees the ones before it.
        const outcomes = await Promise.all(Array.from({ length: 5 }, () => holdFor(store, key.id, 6_500)));
        const held = outcomes.filter((o) => o.ok).map(holdId);
        assert.equal(held.length, 3, 'three holds of 6,500 fit in 20,000');
        assert.deepEqual(outcomes.filter((o) => !o.ok), [
          { ok: false, reason: 'insufficient_balance' },
          { ok: false, reason: 'insufficient_balance' },
        ]);
        const [a, b, c] = held as [string, string, string];
        const [capturedA, capturedB, releasedC, capturedC, nobody] = await Promise.all([store.credits.capture(a), store.credits.capture(b), store.credits.release(c), store.credits.capture(c), store.credits.capture('hold_nobody')]);
        assert.deepEqual([capturedA, capturedB, nobody], [true, true, false]);
        // Which of the two settles c first is up to the store (on SQLite the order asked); never both.
        assert.notEqual(releasedC, capturedC, 'a hold is either released or captured, once');
        const charges = capturedC ? 3 : 2;
        const after = await assertLedgerConsistent(store, key.id, 'after the group');
        assert.deepEqual([after.balance, after.held, after.spent], [20_000 - charges * 6_500, 0, charges * 6_500]);
        assert.equal((await store.credits.ledger(key.id)).filter((e) => e.kind === 'charge').length, charges, 'one charge row per capture');
        assert.equal(await store.credits.openHolds(key.id), 0);
      }),
    );

    it(
      'holds when balance - held covers the amount, exactly to the last milli-credit',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 13_000 }));
        holdId(await holdFor(store, key.id, 6_500));
        holdId(await holdFor(store, key.id, 6_500));
        const after = await store.keys.get(key.id);
        assert.equal(after?.held, 13_000);
        assert.equal(after?.balance, 13_000);
        assert.deepEqual(await holdFor(store, key.id, 1), { ok: false, reason: 'insufficient_balance' });
        assert.equal(await store.credits.openHolds(key.id), 2);
        // Holding writes no ledger row: only captures move settled credits.
        assert.equal((await store.credits.ledger(key.id)).length, 1);
      }),
    );

    it(
      'fails with insufficient_balance when balance - held is short',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 6_499 }));
        assert.deepEqual(await holdFor(store, key.id, 6_500), { ok: false, reason: 'insufficient_balance' });
        const after = await store.keys.get(key.id);
        assert.equal(after?.held, 0);
        assert.equal(await store.credits.openHolds(key.id), 0);
      }),
    );

    it(
      'fails with cap_reached when spent + held + amount exceeds the cap',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 100_000, cap: 16_000 }));
        const first = holdId(await holdFor(store, key.id, 6_500));
        assert.equal(await store.credits.capture(first), true); // spent 6.5
        holdId(await holdFor(store, key.id, 6_500)); // held 6.5: 13 of 16
        assert.deepEqual(await holdFor(store, key.id, 3_001), { ok: false, reason: 'cap_reached' });
        holdId(await holdFor(store, key.id, 3_000)); // exactly the cap
        assert.deepEqual(await holdFor(store, key.id, 1), { ok: false, reason: 'cap_reached' });
        const after = await store.keys.get(key.id);
        assert.equal(after?.spent, 6_500);
        assert.equal(after?.held, 9_500);
      }),
    );

    it(
      'reports insufficient_balance, not cap_reached, when only the balance is short',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 5_000, cap: 100_000 }));
        assert.deepEqual(await holdFor(store, key.id, 6_500), { ok: false, reason: 'insufficient_balance' });
      }),
    );

    it(
      'fails with no_key for a missing key and records no hold',
      withStore(async (store) => {
        assert.deepEqual(await holdFor(store, 'key_nobody', 1_000), { ok: false, reason: 'no_key' });
        assert.equal(await store.credits.openHolds(), 0);
      }),
    );

    it(
      'captures into exactly one charge row of -amount and moves held to spent',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 10_000 }));
        const id = holdId(await holdFor(store, key.id, 6_500, 'req-capture-1'));
        assert.equal(await store.credits.capture(id), true);
        const after = await store.keys.get(key.id);
        assert.equal(after?.balance, 3_500);
        assert.equal(after?.held, 0);
        assert.equal(after?.spent, 6_500);
        const charges = (await store.credits.ledger(key.id)).filter((e) => e.kind === 'charge');
        assert.equal(charges.length, 1);
        assert.equal(charges[0]!.amount, -6_500);
        assert.equal(charges[0]!.balanceAfter, 3_500);
        assert.equal(charges[0]!.ref, 'req-capture-1');
        assert.equal(await store.credits.openHolds(key.id), 0);
        await assertLedgerConsistent(store, key.id);
      }),
    );

    it(
      'captures only once: the second capture is false and writes no second row',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 10_000 }));
        const id = holdId(await holdFor(store, key.id, 6_500));
        assert.equal(await store.credits.capture(id), true);
        assert.equal(await store.credits.capture(id), false);
        assert.equal((await store.credits.ledger(key.id)).filter((e) => e.kind === 'charge').length, 1);
        const after = await store.keys.get(key.id);
        assert.equal(after?.balance, 3_500);
        assert.equal(after?.spent, 6_500);
      }),
    );

    it(
      'releases a hold back to the spendable balance without a ledger row',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 6_500 }));
        const id = holdId(await holdFor(store, key.id, 6_500));
        assert.equal((await store.keys.get(key.id))?.held, 6_500);
        assert.equal(await store.credits.release(id), true);
        const after = await store.keys.get(key.id);
        assert.equal(after?.held, 0);
        assert.equal(after?.balance, 6_500);
        assert.equal(after?.spent, 0);
        assert.equal((await store.credits.ledger(key.id)).length, 1);
        assert.equal(await store.credits.openHolds(key.id), 0);
        // The released amount is spendable again.
        holdId(await holdFor(store, key.id, 6_500));
      }),
    );

    it(
      'refuses to release a captured hold and to capture a released one',
      withStore(async (store) => {
        const key = await store.keys.create(newKey({ credits: 20_000 }));
        const captured = holdId(await holdFor(store, key.id, 6_500));
        assert.equal(await store.credits.capture(captured), true);
        assert.equal(await store.credits.release(captured), false);

        const released = holdId(await holdFor(store, key.id, 6_500));
        assert.equal(await store.credits.release(released), true);
        assert.equal(await store.credits.capture(released), false);
        assert.equal(await store.credits.release(released), false);

        const after = await assertLedgerConsistent(store, key.id);
        assert.equal(after.balance, 13_500);
        assert.equal(after.held, 0);
        assert.equal(after.spent, 6_500);
        assert.equal((await store.credits.ledger(key.id)).length, 2);
        assert.equal(await store.credits.capture('hold_nobody'), false);
        assert.equal(await store.credits.release('hold_nobody'), false);
      }),
    );

    it(
      'counts open holds per key and overall',
      withStore(async (store) => {
        const a = await store.keys.create(newKey({ credits: 100_000 }));
        const b = await store.keys.create(newKey({ credits: 100_000 }));
        const a1 = holdId(await holdFor(store, a.id, 1_000));
        const a2 = holdId(await holdFor(store, a.id, 1_000));
        holdId(await holdFor(store, a.id, 1_000));
        holdId(await holdFor(store, b.id, 1_000));
        assert.equal(await store.credits.openHolds(a.id), 3);
        assert.equal(await store.credits.openHolds(b.id), 1);
        assert.equal(await store.credits.openHolds(), 4);
        await store.credits.capture(a1);
        await store.credits.release(a2);
        assert.equal(await store.credits.openHolds(a.id), 1);
        assert.equal(await store.credits.openHolds(), 2);
        assert.equal(await store.credits.openHolds('key_nobody'), 0);
      }),
    );

    it(
      'keeps balance = sum(ledger) >= 0 through 500 random operations (seeded)',
      withStore(async (store) => {
        const random = mulberry32(0x5eed_2024);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
        const amounts = [1, 999, 1_000, 2_500, 3_500, 4_000, 6_500, 8_000];

        interface Model {
          id: string;
          balance: number;
          held: number;
          spent: number;
          cap: number | null;
          open: Map<string, number>;
        }
        const keys: Model[] = [];
        for (const [credits, cap] of [
          [50_000, null],
          [20_000, 30_000],
          [0, null],
        ] as const) {
          const key = await store.keys.create(newKey({ credits, cap }));
          keys.push({ id: key.id, balance: credits, held: 0, spent: 0, cap, open: new Map() });
        }
        const settled: string[] = [];
        const outcomes = { holdOk: 0, holdRefused: 0, captured: 0, released: 0, adjusted: 0, adjustRefused: 0, stale: 0 };

        for (let step = 0; step < 500; step++) {
          const key = pick(keys);
          const where = `(step ${step})`;
          const roll = random();
          if (roll < 0.35) {
            const amount = pick(amounts);
            const spendable = key.balance - key.held;
            const capShort = key.cap !== null && key.spent + key.held + amount > key.cap;
            const outcome = await holdFor(store, key.id, amount, `req-${step}`);
            if (spendable >= amount && !capShort) {
              key.open.set(holdId(outcome), amount);
              key.held += amount;
              outcomes.holdOk++;
            } else {
              assert.deepEqual(outcome, { ok: false, reason: capShort ? 'cap_reached' : 'insufficient_balance' }, where);
              outcomes.holdRefused++;
            }
          } else if (roll < 0.55 && key.open.size > 0) {
            const [id, amount] = pick([...key.open]);
            assert.equal(await store.credits.capture(id), true, where);
            key.open.delete(id);
            key.held -= amount;
            key.balance -= amount;
            key.spent += amount;
            settled.push(id);
            outcomes.captured++;
          } else if (roll < 0.7 && key.open.size > 0) {
            const [id, amount] = pick([...key.open]);
            assert.equal(await store.credits.release(id), true, where);
            key.open.delete(id);
            key.held -= amount;
            settled.push(id);
            outcomes.released++;
          } else if (roll < 0.75 && settled.length > 0) {
            const id = pick(settled);
            assert.equal(await (random() < 0.5 ? store.credits.capture(id) : store.credits.release(id)), false, where);
            outcomes.stale++;
          } else if (roll < 0.85) {
            const amount = pick(amounts);
            assert.equal(await store.credits.adjust(key.id, amount, 'topup', null), key.balance + amount, where);
            key.balance += amount;
            outcomes.adjusted++;
          } else {
            const amount = -pick([...amounts, 10_000, 20_000]);
            const result = await store.credits.adjust(key.id, amount, 'adjust', null);
            if (key.balance - key.held + amount >= 0) {
              assert.equal(result, key.balance + amount, where);
              key.balance += amount;
              outcomes.adjusted++;
            } else {
              assert.equal(result, undefined, where);
              outcomes.adjustRefused++;
            }
          }

          for (const model of keys) {
            const actual = await assertLedgerConsistent(store, model.id, where);
            assert.deepEqual(
              { balance: actual.balance, held: actual.held, spent: actual.spent },
              { balance: model.balance, held: model.held, spent: model.spent },
              `key state matches the model ${where}`,
            );
            if (model.cap !== null) assert.ok(actual.spent + actual.held <= model.cap, `cap respected ${where}`);
          }
          assert.equal(await store.credits.openHolds(key.id), key.open.size, where);
        }
        // The sequence exercised every branch, so the invariants were tested on each.
        for (const [outcome, count] of Object.entries(outcomes)) assert.ok(count > 0, `${outcome} happened (${count})`);
      }),
    );
  });

  recordSuites(name, withStore);
  imageSuites(name, withStore);
  adjustSuites(name, withStore);
}
