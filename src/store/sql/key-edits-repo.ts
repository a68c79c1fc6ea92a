/** @module Changing a key's name, limits, models, expiry and cap in SQL; balances move only through the ledger. */
import type { Kysely, Updateable } from 'kysely';
import type { KeyEditRepository, KeyPatch } from '../admin-store.js';
import { toKeyRecord } from './keys-repo.js';
import type { ApiKeysTable, Database } from './schema.js';

function toColumns(patch: KeyPatch): Updateable<ApiKeysTable> {
  const columns: Updateable<ApiKeysTable> = {};
  if (patch.name !== undefined) columns.name = patch.name;
  if (patch.cap !== undefined) columns.cap = patch.cap;
  if (patch.rateLimit !== undefined) {
    columns.rate_points = patch.rateLimit?.points ?? null;
    columns.rate_window_s = patch.rateLimit?.windowSeconds ?? null;
  }
  if (patch.models !== undefined) columns.models = patch.models === null ? null : JSON.stringify(patch.models);
  if (patch.expiresAt !== undefined) columns.expires_at = patch.expiresAt;
  return columns;
}

export function keyEditRepository(db: Kysely<Database>): KeyEditRepository {
  return {
    async update(id, patch) {
      const columns = toColumns(patch);
      // A key is read per request, so the change applies to its very next one.
      if (Object.keys(columns).length > 0) await db.updateTable('api_keys').set(columns).where('id', '=', id).execute();
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toKeyRecord(row);
    },
  };
}
