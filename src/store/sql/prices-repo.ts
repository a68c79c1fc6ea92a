/**
 * @module Per-model price overrides in SQL, with a revision bumped in the same transaction as the
 * change, so every replica's cached price book reloads on its next request (src/admin/price-book.ts).
 */
import type { Kysely } from 'kysely';
import type { PriceRepository } from '../admin-store.js';
import type { AdminTables } from './admin-schema.js';
import { byCodeUnit } from './order.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { bumpRevision, revisionReader } from './revision.js';
import type { Database } from './schema.js';

const REVISION = 'prices_revision';

export function priceRepository(base: Kysely<Database>, now: () => number, direct?: DirectSqlite): PriceRepository {
  const db = base.withTables<AdminTables>();
  return {
    async list() {
      const rows = await db.selectFrom('model_prices').selectAll().execute();
      return rows.map((r) => ({ model: r.model, price: Number(r.price), updatedAt: Number(r.updated_at) })).sort((a, b) => byCodeUnit(a.model, b.model));
    },
    async set(model, price) {
      const row = { model, price, updated_at: now() };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('model_prices')
          .values(row)
          .onConflict((oc) => oc.column('model').doUpdateSet({ price: row.price, updated_at: row.updated_at }))
          .execute();
        await bumpRevision(trx as unknown as Kysely<Database>, REVISION);
      });
      return { model, price, updatedAt: row.updated_at };
    },
    async remove(model) {
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('model_prices').where('model', '=', model).executeTakeFirst();
        const removed = result.numDeletedRows > 0n;
        if (removed) await bumpRevision(trx as unknown as Kysely<Database>, REVISION);
        return removed;
      });
    },
    revision: revisionReader(base, REVISION, direct),
  };
}
