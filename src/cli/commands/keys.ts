/** @module `aigate keys create|list|revoke`: API keys, their limits and their one-time plaintext. */
import type { Command } from 'commander';
import { keyJson } from '../../admin/presenters.js';
import { createApiKey } from '../../auth/create-key.js';
import { formatCredits, parseCredits } from '../../billing/credits.js';
import { parseRate } from '../../rate-limit/rate.js';
import { CliError, table, withStore, type CliIo } from '../context.js';

function parseOr<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
}

function parseDate(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new CliError(`--expires: "${text}" is not an ISO date such as 2027-01-31 or 2027-01-31T12:00:00Z`);
  return ms;
}

interface CreateOptions { name?: string; credits: string; rateLimit?: string; models?: string; expires?: string; cap?: string; json?: boolean }

export function registerKeys(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('create, list and revoke API keys');

  keys
    .command('create')
    .description('create an API key; its plaintext is printed once')
    .option('--name <name>', 'a label for the key', 'unnamed')
    .option('--credits <amount>', 'opening balance in credits', '0')
    .option('--rate-limit <rate>', 'requests per window, e.g. 5/10s (default: the station default)')
    .option('--models <ids>', 'comma-separated models this key may use (default: all)')
    .option('--expires <date>', 'ISO date after which the key stops working')
    .option('--cap <amount>', 'the most credits this key may ever spend')
    .option('--json', 'print one JSON object')
    .action((o: CreateOptions) =>
      withStore(io, async ({ config, store, print }) => {
        const models = o.models?.split(',').map((m) => m.trim()).filter(Boolean) ?? null;
        const unknown = models?.filter((m) => !config.models.has(m)) ?? [];
        if (unknown.length) throw new CliError(`--models: unknown model(s) ${unknown.join(', ')}; known: ${[...config.models.keys()].join(', ')}`);
        const credits = parseOr('--credits', () => parseCredits(o.credits));
        if (credits < 0) throw new CliError('--credits: must not be negative');
        const { key, plaintext } = await createApiKey(store, {
          name: o.name,
          credits,
          cap: o.cap === undefined ? null : parseOr('--cap', () => parseCredits(o.cap!)),
          rateLimit: o.rateLimit === undefined ? null : parseOr('--rate-limit', () => parseRate(o.rateLimit!)),
          models,
          expiresAt: o.expires === undefined ? null : parseDate(o.expires),
        });
        print(!!o.json, { ...keyJson(key, Date.now()), key: plaintext }, () =>
          [`Created ${key.id} "${key.name}" with ${formatCredits(key.balance)} credits.`, `API key (shown once, save it now): ${plaintext}`].join('\n'),
        );
      }),
    );

  keys
    .command('list')
    .description('list API keys (never their secrets)')
    .option('--json', 'print one JSON object')
    .action((o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const list = (await store.keys.list()).map((k) => keyJson(k, Date.now()));
        print(!!o.json, { keys: list }, () =>
          table(
            ['ID', 'NAME', 'KEY', 'AVAILABLE', 'HELD', 'CAP', 'RATE', 'MODELS', 'EXPIRES', 'STATUS'],
            list.map((k) => [k.id, k.name, k.display, k.available, k.held, k.cap ?? '-', k.rate_limit ?? 'default', k.models?.join(',') ?? 'all', k.expires_at ?? '-', k.status]),
          ),
        );
      }),
    );

  keys
    .command('revoke <id>')
    .description('revoke an API key; it stops working at once')
    .option('--json', 'print one JSON object')
    .action((id: string, o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        if (!(await store.keys.revoke(id, Date.now()))) throw new CliError(`no key with id ${id}`);
        print(!!o.json, { id, revoked: true }, () => `Revoked ${id}.`);
      }),
    );
}
