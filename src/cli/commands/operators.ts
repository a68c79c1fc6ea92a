/**
 * @module `aigate operators add|list|remove`: the accounts that sign in to the web console. A new
 * operator gets a generated passphrase printed once, or reads one from stdin with
 * --password-stdin, never from an argument (it would sit in the shell's history and `ps`).
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createOperator, operatorJson, removeOperator, USERNAME } from '../../admin/operators.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../admin/password.js';
import { GatewayError } from '../../errors.js';
import { CliError, readProcessStdin, table, withStore, type CliIo } from '../context.js';

/** The store's refusals (a taken name, an unknown id) are the user's mistakes. */
async function asCliError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GatewayError) throw new CliError(error.errors.join('; '));
    throw error;
  }
}

async function passwordFrom(io: CliIo, fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(18).toString('base64url'), generated: true };
  // One line: a trailing newline from `echo` or a here-string is not part of the password.
  const password = (await (io.readStdin ?? readProcessStdin)()).replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new CliError(`password: must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return { password, generated: false };
}

export function registerOperators(program: Command, io: CliIo): void {
  const operators = program.command('operators').description('accounts that sign in to the web console at /admin');
  operators
    .command('add <username>')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .option('--json', 'print one JSON object')
    .action((name: string, o: { json?: boolean; passwordStdin?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const username = name.toLowerCase();
        if (!USERNAME.test(username)) throw new CliError('username: letters, digits and . _ @ - only, at most 64');
        const { password, generated } = await passwordFrom(io, !!o.passwordStdin);
        const operator = await asCliError(() => createOperator(store, username, password));
        const shown = generated ? { password } : {};
        print(!!o.json, { ...operatorJson(operator), ...shown }, () =>
          generated ? `Operator ${username} (${operator.id}). Password, shown only now:\n  ${password}` : `Operator ${username} (${operator.id}).`,
        );
      }),
    );
  operators
    .command('list')
    .option('--json', 'print one JSON object')
    .action((o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const list = await store.operators.list();
        print(!!o.json, { operators: list.map(operatorJson) }, () =>
          list.length ? table(['ID', 'USERNAME', 'CREATED'], list.map((op) => [op.id, op.username, new Date(op.createdAt).toISOString()])) : '(no operators)',
        );
      }),
    );
  operators
    .command('remove <id>')
    .option('--json', 'print one JSON object')
    .action((id: string, o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        await asCliError(() => removeOperator(store, id));
        print(!!o.json, { id, removed: true }, () => `Removed operator ${id}; their sessions have ended.`);
      }),
    );
}
