/** @module Banned words, the usage log and settings in SQL: small tables with plain access. */
import type { Insertable, Kysely } from 'kysely';
import { byCodeUnit } from './order.js';
import type { DirectSqlite } from '../direct-sqlite.js';
import { bumpRevision, revisionReader } from './revision.js';
import { toEntry } from './usage-reports-repo.js';
import type { BannedWordRepository, SettingRepository, UsageRepository, UsageRow } from '../store.js';
import type { Database } from './schema.js';
import { batchedPerTick } from './batched.js';
import { precompiled } from './precompiled.js';
import { step, transact } from './work.js';

const REVISION = 'banned_words_revision';

export function bannedWordRepository(db: Kysely<Database>, now: () => number, direct?: DirectSqlite): BannedWordRepository {
  // Bumped in the same transaction as the change, so a reader never sees new words with an old revision.
  const bump = (trx: Kysely<Database>) => bumpRevision(trx, REVISION);
  return {
    async add(word) {
      return db.transaction().execute(async (trx) => {
        const result = await trx.insertInto('banned_words').values({ word, created_at: now() }).onConflict((oc) => oc.column('word').doNothing()).executeTakeFirst();
        const added = (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
        if (added) await bump(trx);
        return added;
      });
    },
    async remove(word) {
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('banned_words').where('word', '=', word).executeTakeFirst();
        const removed = result.numDeletedRows > 0n;
        if (removed) await bump(trx);
        return removed;
      });
    },
    async list() {
      const rows = await db.selectFrom('banned_words').select('word').execute();
      // Sorted here rather than by ORDER BY, so the order is the same whatever the collation.
      return rows.map((r) => r.word).sort(byCodeUnit);
    },
    revision: revisionReader(db, REVISION, direct),
  };
}

type UsageValues = Omit<Insertable<Database['usage_log']>, 'id'>;

/** `direct`: on SQLite, each row joins its turn's group commit (direct-sqlite.ts), with the holds and captures. */
export function usageRepository(db: Kysely<Database>, direct?: DirectSqlite): UsageRepository {
  // Every generation writes one row: compiled once (precompiled.ts).
  const insertRow = precompiled<Required<UsageValues>>(db, (d, slot) =>
    d.insertInto('usage_log').values({
      request_id: slot('request_id'), key_id: slot('key_id'), endpoint: slot('endpoint'), model: slot('model'), status: slot('status'),
      error_name: slot('error_name'), channel: slot('channel'), credits: slot('credits'), latency_ms: slot('latency_ms'), ip: slot('ip'),
      client_id: slot('client_id'), client_user_id: slot('client_user_id'), client_version: slot('client_version'), created_at: slot('created_at'), attempts: slot('attempts'),
    }),
  );
  const values = (row: UsageRow): Required<UsageValues> => ({
    request_id: row.requestId,
    key_id: row.keyId,
    endpoint: row.endpoint,
    model: row.model,
    status: row.status,
    error_name: row.errorName,
    channel: row.channel,
    credits: row.credits,
    latency_ms: row.latencyMs,
    ip: row.ip,
    client_id: row.clientId,
    client_user_id: row.clientUserId,
    client_version: row.clientVersion,
    created_at: row.createdAt,
    attempts: row.attempts.length ? JSON.stringify(row.attempts) : null,
  });
  const insertOne = async (row: UsageRow) => void (await insertRow(db, values(row)));
  // Rows finishing in the same turn share one transaction, in the order they came: on SQLite the
  // connection's group commit, elsewhere (PostgreSQL) a batch of their own (batched.ts).
  const insert = direct
    ? (row: UsageRow) =>
        transact(db, direct, function* () {
          yield* step(insertRow, values(row));
        })
    : batchedPerTick<UsageRow>(async (rows) => {
        if (rows.length === 1) return insertOne(rows[0]!);
        await db.transaction().execute(async (trx) => {
          for (const row of rows) await insertRow(trx, values(row));
        });
      }, insertOne);
  return {
    insert,
    async query({ keyId, since, limit }) {
      let q = db.selectFrom('usage_log').selectAll().orderBy('id', 'desc').limit(limit);
      if (keyId) q = q.where('key_id', '=', keyId);
      if (since !== undefined) q = q.where('created_at', '>=', since);
      const rows = await q.execute();
      return rows.map((r) => {
        const { id: _id, ...row } = toEntry(r);
        return row;
      });
    },
  };
}

export function settingRepository(db: Kysely<Database>): SettingRepository {
  return {
    async get(name) {
      const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
      return row?.value;
    },
    async setIfAbsent(name, value) {
      const result = await db.insertInto('settings').values({ name, value }).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
  };
}
