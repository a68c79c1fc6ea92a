/**
 * @module The ledger in SQL. Every balance change and its ledger row share one transaction, and
 * each transaction starts with its write so SQLite takes the write lock at once (a deferred read
 * that later writes can fail with SQLITE_BUSY under WAL).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CreditRepository, HoldOutcome, LedgerEntry, LedgerKind } from '../store.js';
import type { Database } from './schema.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { precompiled } from './precompiled.js';
import { step, transact } from './work.js';

/** The generation path's statements, compiled once (precompiled.ts): every request runs them. */
function hotPath(db: Kysely<Database>) {
  return {
    // The whole admission decision is this one conditional update.
    reserve: precompiled<{ keyId: string; amount: number }>(db, (d, slot) =>
      d
        .updateTable('api_keys')
        .set({ held: sql`held + ${slot('amount')}` })
        .where('id', '=', slot('keyId'))
        .where(sql<boolean>`balance - held >= ${slot('amount')}`)
        .where(sql<boolean>`(cap IS NULL OR spent + held + ${slot('amount')} <= cap)`),
    ),
    placeHold: precompiled<{ id: string; keyId: string; amount: number; requestId: string; at: number; expiresAt: number }>(db, (d, slot) =>
      d.insertInto('holds').values({ id: slot('id'), key_id: slot('keyId'), amount: slot('amount'), request_id: slot('requestId'), status: 'open', created_at: slot('at'), expires_at: slot('expiresAt'), settled_at: null }),
    ),
    settleHold: precompiled<{ id: string; status: 'captured' | 'released'; at: number }, { key_id: string; amount: number | bigint; request_id: string }>(db, (d, slot) =>
      d.updateTable('holds').set({ status: slot('status'), settled_at: slot('at') }).where('id', '=', slot('id')).where('status', '=', 'open').returning(['key_id', 'amount', 'request_id']),
    ),
    charge: precompiled<{ keyId: string; amount: number }, { balance: number | bigint }>(db, (d, slot) =>
      d
        .updateTable('api_keys')
        .set({ balance: sql`balance - ${slot('amount')}`, held: sql`held - ${slot('amount')}`, spent: sql`spent + ${slot('amount')}` })
        .where('id', '=', slot('keyId'))
        .returning('balance'),
    ),
    recordCharge: precompiled<{ keyId: string; amount: number; balanceAfter: number; ref: string; at: number }>(db, (d, slot) =>
      d.insertInto('ledger').values({ key_id: slot('keyId'), amount: slot('amount'), balance_after: slot('balanceAfter'), kind: 'charge', ref: slot('ref'), note: null, created_at: slot('at') }),
    ),
    unhold: precompiled<{ keyId: string; amount: number }>(db, (d, slot) => d.updateTable('api_keys').set({ held: sql`held - ${slot('amount')}` }).where('id', '=', slot('keyId'))),
  };
}

const ledgerEntry = (r: Selectable<Database['ledger']>): LedgerEntry => ({
  id: Number(r.id),
  keyId: r.key_id,
  amount: Number(r.amount),
  balanceAfter: Number(r.balance_after),
  kind: r.kind as LedgerKind,
  ref: r.ref,
  note: r.note,
  createdAt: Number(r.created_at),
});

/** `direct`: on SQLite, the hold, capture and release run synchronously on the connection (work.ts). */
export function creditRepository(db: Kysely<Database>, now: () => number, direct?: DirectSqlite): CreditRepository {
  const hot = hotPath(db);
  const release = (holdId: string): Promise<boolean> =>
    transact(db, direct, function* () {
      const [hold] = (yield* step(hot.settleHold, { id: holdId, status: 'released', at: now() })).rows;
      if (!hold) return false;
      yield* step(hot.unhold, { keyId: hold.key_id, amount: Number(hold.amount) });
      return true;
    });

  /** The balance change and its ledger row in one transaction. @returns the new balance, or undefined when refused. */
  const applyAdjustment = (keyId: string, amount: number, kind: LedgerKind, note: string | null, idempotencyKey: string | null) =>
    db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('api_keys')
        .set({ balance: sql`balance + ${amount}` })
        .where('id', '=', keyId)
        // A removal may only take what is neither spent nor held.
        .where(sql<boolean>`balance - held + ${amount} >= 0`)
        .returning('balance')
        .executeTakeFirst();
      if (!updated) return undefined;
      const balance = Number(updated.balance);
      await trx.insertInto('ledger').values({ key_id: keyId, amount, balance_after: balance, kind, ref: null, note, created_at: now(), idempotency_key: idempotencyKey }).execute();
      return balance;
    });

  return {
    async adjust(keyId, amount, kind: LedgerKind, note) {
      return applyAdjustment(keyId, amount, kind, note, null);
    },

    async adjustOnce(keyId, amount, kind: LedgerKind, note, idempotencyKey) {
      const earlier = async () => {
        const row = await db.selectFrom('ledger').select(['amount', 'kind', 'balance_after']).where('key_id', '=', keyId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
        if (!row) return undefined;
        const same = Number(row.amount) === amount && row.kind === kind;
        return same ? ({ outcome: 'replayed', balanceAfter: Number(row.balance_after) } as const) : ({ outcome: 'conflict' } as const);
      };
      const seen = await earlier();
      if (seen) return seen;
      try {
        const balance = await applyAdjustment(keyId, amount, kind, note, idempotencyKey);
        return balance === undefined ? { outcome: 'refused' } : { outcome: 'applied', balanceAfter: balance };
      } catch (error) {
        // The unique index on (key_id, idempotency_key) failed the insert, and so rolled back the
        // balance change, because a concurrent call with the same key committed first.
        const raced = await earlier();
        if (raced) return raced;
        throw error;
      }
    },

    async ledger(keyId) {
      const rows = await db.selectFrom('ledger').selectAll().where('key_id', '=', keyId).orderBy('id').execute();
      return rows.map(ledgerEntry);
    },

    async ledgerPage(keyId, page) {
      let query = db.selectFrom('ledger').selectAll().where('key_id', '=', keyId);
      if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
      return (await query.orderBy('id', 'desc').limit(page.limit).execute()).map(ledgerEntry);
    },

    async hold(keyId, amount, requestId, expiresAt): Promise<HoldOutcome> {
      // randomUUID draws from a pooled buffer; randomBytes is a call into OpenSSL per request.
      const holdId = `hold_${randomUUID().replaceAll('-', '')}`;
      const placed = await transact(db, direct, function* () {
        const result = yield* step(hot.reserve, { keyId, amount });
        if (!result.numAffectedRows) return false;
        yield* step(hot.placeHold, { id: holdId, keyId, amount, requestId, at: now(), expiresAt });
        return true;
      });
      if (placed) return { ok: true, holdId };
      const key = await db.selectFrom('api_keys').select(['balance', 'held', 'spent', 'cap']).where('id', '=', keyId).executeTakeFirst();
      if (!key) return { ok: false, reason: 'no_key' };
      const capShort = key.cap !== null && Number(key.spent) + Number(key.held) + amount > Number(key.cap);
      return { ok: false, reason: capShort ? 'cap_reached' : 'insufficient_balance' };
    },

    capture(holdId) {
      return transact(db, direct, function* () {
        const [hold] = (yield* step(hot.settleHold, { id: holdId, status: 'captured', at: now() })).rows;
        if (!hold) return false;
        const amount = Number(hold.amount);
        const [key] = (yield* step(hot.charge, { keyId: hold.key_id, amount })).rows;
        if (!key) throw new Error(`hold ${holdId} names key ${hold.key_id}, which is gone`);
        yield* step(hot.recordCharge, { keyId: hold.key_id, amount: -amount, balanceAfter: Number(key.balance), ref: hold.request_id, at: now() });
        return true;
      });
    },

    release,

    async releaseExpired(now) {
      const expired = await db.selectFrom('holds').select('id').where('status', '=', 'open').where('expires_at', '<=', now).limit(1000).execute();
      let released = 0;
      // One short transaction each, so a large sweep never holds SQLite's write lock for long.
      for (const { id } of expired) if (await release(id)) released += 1;
      return released;
    },

    async openHolds(keyId) {
      let query = db.selectFrom('holds').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open');
      if (keyId) query = query.where('key_id', '=', keyId);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
