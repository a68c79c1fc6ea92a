/**
 * @module `aigate operators`, in process on a temporary data directory: a generated password shown
 * once and stored only as its scrypt hash, a password from stdin, the refusals, and removal.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyPassword } from '../../admin/password.js';
import { openStore } from '../../store/open-store.js';
import { runCli } from '../main.js';
import { CliError } from '../context.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aigate-operators-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { AIGATE_DATA_DIR: dir };

async function run(argv: string[], stdin = ''): Promise<Record<string, unknown>> {
  let out = '';
  await runCli([...argv, '--json'], { env, write: (text) => (out += text), readStdin: async () => stdin });
  return JSON.parse(out) as Record<string, unknown>;
}

async function storedHash(username: string): Promise<string | undefined> {
  const store = await openStore({ sqlitePath: path.join(dir, 'aigate.db') });
  try {
    return (await store.operators.findByUsername(username))?.passwordHash;
  } finally {
    await store.close();
  }
}

describe('aigate operators', () => {
  it('adds an operator with a generated password, printed once and stored hashed', async () => {
    const added = await run(['operators', 'add', 'Alice']);
    assert.equal(added.username, 'alice');
    assert.match(String(added.password), /^[A-Za-z0-9_-]{24}$/);
    const hash = await storedHash('alice');
    assert.ok(hash && !hash.includes(String(added.password)));
    assert.equal(await verifyPassword(String(added.password), hash), true);
    assert.deepEqual((await run(['operators', 'list'])).operators, [{ id: added.id, username: 'alice', created_at: added.created_at }]);
  });

  it('takes a password from stdin without its trailing newline, and never prints it', async () => {
    const added = await run(['operators', 'add', 'bob', '--password-stdin'], 'correct horse battery\n');
    assert.equal(added.password, undefined);
    assert.equal(await verifyPassword('correct horse battery', (await storedHash('bob'))!), true);
  });

  it('refuses a short password, a bad or taken username, and an unknown id', async () => {
    await assert.rejects(run(['operators', 'add', 'carol', '--password-stdin'], 'short\n'), (e: Error) => e instanceof CliError && /^password: /.test(e.message));
    await assert.rejects(run(['operators', 'add', 'no spaces here']), (e: Error) => e instanceof CliError && /^username: /.test(e.message));
    await assert.rejects(run(['operators', 'add', 'alice']), (e: Error) => e instanceof CliError && /alice is taken/.test(e.message));
    await assert.rejects(run(['operators', 'remove', 'op_nothing']), (e: Error) => e instanceof CliError && /no operator/.test(e.message));
    assert.equal(await storedHash('carol'), undefined);
  });

  it('removes an operator', async () => {
    const { operators } = (await run(['operators', 'list'])) as { operators: { id: string; username: string }[] };
    const bob = operators.find((o) => o.username === 'bob')!;
    assert.deepEqual(await run(['operators', 'remove', bob.id]), { id: bob.id, removed: true });
    assert.equal(await storedHash('bob'), undefined);
  });
});
