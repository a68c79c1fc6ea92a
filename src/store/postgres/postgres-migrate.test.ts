/**
 * @module Migrations on PostgreSQL: two `migrate` runs at once apply each migration once, and a
 * store that only checks (the station at start-up, the CLI) refuses an out-of-date schema
 * without touching it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { adminQuery, createSchema, dropSchema, openSchemaStore, postgresOrSkip } from '../../../test/helpers/postgres.js';
import { migrateToLatest, MigrationsPendingError, pendingMigrations } from '../migrations/index.js';
import { openDatabase, openStore } from '../open-store.js';

const target = await postgresOrSkip();
const ALL = ['001-initial', '002-channels', '003-admin', '004-images', '005-ledger-idempotency'];

const tablesIn = async (url: string, schema: string) =>
  (await adminQuery<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = '${schema}'`)).map((r) => r.table_name);

if (target.skip !== undefined) {
  it('PostgreSQL migrations', { skip: target.skip }, () => undefined);
} else {
  const url = target.url;
  const schemas: string[] = [];
  const fresh = async () => {
    const schema = await createSchema(url);
    schemas.push(schema);
    return schema;
  };
  after(() => Promise.all(schemas.map((s) => dropSchema(url, s))));

  describe('PostgreSQL migrations', () => {
    it('two migrators at once: both succeed and each migration is applied once', async () => {
      const schema = await fresh();
      const connections = [openDatabase({ postgresUrl: url, searchPath: schema }), openDatabase({ postgresUrl: url, searchPath: schema })];
      try {
        const applied = await Promise.all(connections.map(({ db }) => migrateToLatest(db as Kysely<unknown>, 'postgres')));
        assert.deepEqual(applied.flat().sort(), ALL, `applied: ${JSON.stringify(applied)}`);
        const rows = await adminQuery<{ name: string }>(url, `SELECT name FROM ${schema}.aigate_migrations ORDER BY name`);
        assert.deepEqual(rows.map((r) => r.name), ALL, 'one row per migration');
        for (const { db } of connections) assert.deepEqual(await pendingMigrations(db as Kysely<unknown>, 'postgres'), []);
        // The migrated schema holds exactly one sandbox channel: migration 002 ran once.
        const [channels] = await adminQuery<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${schema}.channels`);
        assert.equal(channels?.n, 1);
      } finally {
        await Promise.all(connections.map(({ db }) => db.destroy()));
      }
    });

    it('a checking store refuses an empty schema, naming `npx aigate migrate`, and creates nothing', async () => {
      const schema = await fresh();
      await assert.rejects(openStore({ postgresUrl: url, searchPath: schema, migrate: 'check' }), (error: unknown) => {
        assert.ok(error instanceof MigrationsPendingError);
        assert.deepEqual(error.pending, ALL);
        assert.match(error.message, /npx aigate migrate/);
        return true;
      });
      // Checking is PostgreSQL's default: nothing migrates a shared database by accident.
      await assert.rejects(openStore({ postgresUrl: url, searchPath: schema }), /npx aigate migrate/);
      assert.deepEqual(await tablesIn(url, schema), []);
    });

    it('a checking store opens once `migrate` has run', async () => {
      const schema = await fresh();
      const { db } = openDatabase({ postgresUrl: url, searchPath: schema });
      try {
        assert.deepEqual(await migrateToLatest(db as Kysely<unknown>, 'postgres'), ALL);
        assert.deepEqual(await migrateToLatest(db as Kysely<unknown>, 'postgres'), [], 'a second run applies nothing');
      } finally {
        await db.destroy();
      }
      const store = await openSchemaStore(url, schema, { migrate: 'check' });
      try {
        assert.equal((await store.channels.list()).length, 1);
      } finally {
        await store.close();
      }
    });

    it('one schema’s migrations do not count for another in the same database', async () => {
      const migrated = await fresh();
      await (await openSchemaStore(url, migrated)).close();
      const empty = await fresh();
      await assert.rejects(openStore({ postgresUrl: url, searchPath: empty, migrate: 'check' }), MigrationsPendingError);
    });
  });
}
