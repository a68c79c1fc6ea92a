/**
 * @module `aigate migrate` and the CLI's schema check, in process: on SQLite the commands still
 * migrate at open as before; on PostgreSQL they refuse until `migrate` has run, which applies
 * each migration once and reports it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createSchema, dropSchema, postgresOrSkip } from '../../test/helpers/postgres.js';
import { runCli } from '../cli/main.js';
import { MigrationsPendingError } from './migrations/index.js';

const ALL = ['001-initial', '002-channels', '003-admin', '004-images', '005-ledger-idempotency'];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'aigate-migrate-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs one command with its own environment and returns its one JSON object. */
async function run(env: Record<string, string>, ...argv: string[]): Promise<Record<string, unknown>> {
  let out = '';
  await runCli([...argv, '--json'], { env, write: (text) => (out += text) });
  return JSON.parse(out) as Record<string, unknown>;
}

describe('aigate migrate on SQLite', () => {
  it('applies every migration to a new file, then nothing', async () => {
    const env = { AIGATE_DATA_DIR: path.join(tmp, 'sqlite') };
    assert.deepEqual(await run(env, 'migrate'), { database: 'sqlite', applied: ALL });
    assert.deepEqual(await run(env, 'migrate'), { database: 'sqlite', applied: [] });
    assert.deepEqual(await run(env, 'banned-words', 'list'), { words: [] });
  });

  it('leaves the other commands migrating an embedded file at open, as before', async () => {
    const env = { AIGATE_DATA_DIR: path.join(tmp, 'sqlite-direct') };
    assert.deepEqual(await run(env, 'banned-words', 'list'), { words: [] });
    assert.deepEqual(await run(env, 'migrate'), { database: 'sqlite', applied: [] });
  });
});

const target = await postgresOrSkip();

describe('aigate migrate on PostgreSQL', { skip: target.skip }, () => {
  it('the station and the other commands refuse until migrate has run; migrate applies each migration once', async () => {
    const url = target.url!;
    const schema = await createSchema(url);
    try {
      // The schema travels in the URL, as an operator would pin one: ?options=-c search_path=...
      const withSchema = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const env = { DATABASE_URL: withSchema, AIGATE_SECRET: 'a passphrase of at least thirty-two characters', AIGATE_DATA_DIR: path.join(tmp, 'pg') };
      // The station at start-up: refused before it listens.
      await assert.rejects(runCli(['serve'], { env: { ...env, PORT: '0' }, write: () => undefined }), /npx aigate migrate/);
      await assert.rejects(run(env, 'banned-words', 'list'), (error: unknown) => {
        assert.ok(error instanceof MigrationsPendingError);
        assert.match(error.message, /npx aigate migrate/);
        return true;
      });
      const [first, second] = await Promise.all([run(env, 'migrate'), run(env, 'migrate')]);
      assert.deepEqual([...(first!.applied as string[]), ...(second!.applied as string[])].sort(), ALL);
      assert.deepEqual(await run(env, 'migrate'), { database: 'postgres', applied: [] });
      assert.deepEqual(await run(env, 'banned-words', 'list'), { words: [] });
    } finally {
      await dropSchema(url, schema);
    }
  });
});
