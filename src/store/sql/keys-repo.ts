/** @module API keys in SQL: creation with its opening ledger row, lookups and revocation. */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeyRecord, KeyRepository, NewApiKey } from '../store.js';
import type { ApiKeysTable, Database } from './schema.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { precompiled } from './precompiled.js';
import { read } from './work.js';

export function toKeyRecord(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    last4: row.last4,
    balance: Number(row.balance),
    held: Number(row.held),
    spent: Number(row.spent),
    cap: row.cap === null ? null : Number(row.cap),
    rateLimit: row.rate_points === null || row.rate_window_s === null ? null : { points: row.rate_points, windowSeconds: row.rate_window_s },
    models: row.models === null ? null : (JSON.parse(row.models) as string[]),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    createdAt: Number(row.created_at),
  };
}

export const newKeyId = () => `key_${randomBytes(6).toString('hex')}`;

export function keyRepository(db: Kysely<Database>, now: () => number, direct?: DirectSqlite): KeyRepository {
  // Every request to the public API looks its key up: compiled once (precompiled.ts).
  const byHash = precompiled<{ hash: string }, Selectable<ApiKeysTable>>(db, (d, slot) => d.selectFrom('api_keys').selectAll().where('hash', '=', slot('hash')));
  return {
    async create(key: NewApiKey) {
      const createdAt = now();
      const row = {
        id: newKeyId(),
        name: key.name,
        hash: key.hash,
        prefix: key.prefix,
        last4: key.last4,
        balance: key.credits,
        held: 0,
        spent: 0,
        cap: key.cap,
        rate_points: key.rateLimit?.points ?? null,
        rate_window_s: key.rateLimit?.windowSeconds ?? null,
        models: key.models ? JSON.stringify(key.models) : null,
        expires_at: key.expiresAt,
        revoked_at: null,
        created_at: createdAt,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('api_keys').values(row).execute();
        if (key.credits > 0) {
          await trx
            .insertInto('ledger')
            .values({ key_id: row.id, amount: key.credits, balance_after: key.credits, kind: 'grant', ref: null, note: 'opening balance', created_at: createdAt })
            .execute();
        }
      });
      return toKeyRecord(row);
    },

    async findByHash(hash) {
      const [row] = await read(db, direct, byHash, { hash });
      return row && toKeyRecord(row);
    },

    async get(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toKeyRecord(row);
    },

    async list() {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toKeyRecord);
    },

    async revoke(id, at) {
      const result = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      if (result.numUpdatedRows > 0n) return true;
      return (await db.selectFrom('api_keys').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
    },
  };
}
