/** @module Operator accounts and their sessions in SQL. Sessions are keyed by the hash of their token. */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { OperatorRecord, OperatorRepository, SessionRecord, SessionRepository } from '../admin-store.js';
import type { AdminSessionsTable, AdminTables, OperatorsTable } from './admin-schema.js';
import type { Database } from './schema.js';
import { byCodeUnit } from './order.js';

const newOperatorId = () => `op_${randomBytes(6).toString('hex')}`;

const toOperator = (row: Selectable<OperatorsTable>): OperatorRecord => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  createdAt: Number(row.created_at),
});

const toSession = (row: Selectable<AdminSessionsTable>): SessionRecord => ({
  idHash: row.id,
  operatorId: row.operator_id,
  csrfToken: row.csrf_token,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});

export function operatorRepository(base: Kysely<Database>, now: () => number): OperatorRepository {
  const db = base.withTables<AdminTables>();
  return {
    async create({ username, passwordHash }) {
      const row = { id: newOperatorId(), username, password_hash: passwordHash, created_at: now() };
      // ON CONFLICT DO NOTHING rather than catching the unique violation, whose error differs per driver.
      const result = await db.insertInto('operators').values(row).onConflict((oc) => oc.column('username').doNothing()).executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n ? toOperator(row) : undefined;
    },
    async findByUsername(username) {
      const row = await db.selectFrom('operators').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toOperator(row);
    },
    async list() {
      const rows = await db.selectFrom('operators').selectAll().execute();
      return rows.map(toOperator).sort((a, b) => byCodeUnit(a.username, b.username));
    },
    async remove(id) {
      return db.transaction().execute(async (trx) => {
        // Explicit as well as ON DELETE CASCADE: a removed operator's open sessions must end with it.
        await trx.deleteFrom('admin_sessions').where('operator_id', '=', id).execute();
        const result = await trx.deleteFrom('operators').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
  };
}

export function sessionRepository(base: Kysely<Database>): SessionRepository {
  const db = base.withTables<AdminTables>();
  return {
    async create(session) {
      await db
        .insertInto('admin_sessions')
        .values({ id: session.idHash, operator_id: session.operatorId, csrf_token: session.csrfToken, created_at: session.createdAt, expires_at: session.expiresAt })
        .execute();
    },
    async find(idHash, at) {
      const row = await db
        .selectFrom('admin_sessions')
        .innerJoin('operators', 'operators.id', 'admin_sessions.operator_id')
        .selectAll('admin_sessions')
        .select(['operators.username', 'operators.password_hash', 'operators.created_at as operator_created_at'])
        .where('admin_sessions.id', '=', idHash)
        .where('admin_sessions.expires_at', '>', at)
        .executeTakeFirst();
      if (!row) return undefined;
      const operator = toOperator({ id: row.operator_id, username: row.username, password_hash: row.password_hash, created_at: row.operator_created_at });
      return { session: toSession(row), operator };
    },
    async remove(idHash) {
      const result = await db.deleteFrom('admin_sessions').where('id', '=', idHash).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async removeExpired(at) {
      const result = await db.deleteFrom('admin_sessions').where('expires_at', '<=', at).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
