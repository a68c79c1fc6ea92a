/**
 * @module `aigate migrate`: applies pending schema migrations. On PostgreSQL this is the only
 * thing that changes the schema: replicas and the other commands only check it, so an upgrade
 * is one deliberate step instead of several replicas racing to migrate at start-up.
 */
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../config/config.js';
import { migrateToLatest } from '../../store/migrations/index.js';
import { openDatabase, storeOptions } from '../../store/open-store.js';
import type { CliIo } from '../context.js';

export function registerMigrate(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('apply pending database migrations (run once before starting upgraded replicas on PostgreSQL)')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const { db, dialect } = openDatabase(storeOptions(config));
      try {
        // Kysely takes its migration lock first, so a second `migrate` running at the same time
        // waits, then finds nothing left to apply.
        const applied = await migrateToLatest(db as Kysely<unknown>, dialect);
        const human = applied.length
          ? `Applied ${applied.length} migration(s) to ${dialect}: ${applied.join(', ')}.`
          : `The ${dialect} database is up to date; nothing to apply.`;
        io.write(`${o.json ? JSON.stringify({ database: dialect, applied }) : human}\n`);
      } finally {
        await db.destroy();
      }
    });
}
