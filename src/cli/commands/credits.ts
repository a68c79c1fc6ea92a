/** @module `aigate credits add|show`: top-ups and adjustments, each a ledger row, and a key's ledger. */
import type { Command } from 'commander';
import { formatCredits, parseCredits } from '../../billing/credits.js';
import { creditsJson } from '../../admin/presenters.js';
import { CliError, table, withStore, type CliIo } from '../context.js';

export function registerCredits(program: Command, io: CliIo): void {
  const credits = program.command('credits').description("top up a key and show its ledger");

  credits
    .command('add <key-id> <amount>')
    .description('add credits to a key (a negative amount, after --, removes spendable credits)')
    .option('--note <text>', 'recorded on the ledger row')
    .option('--json', 'print one JSON object')
    .action((keyId: string, amountText: string, o: { note?: string; json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        let amount: number;
        try {
          amount = parseCredits(amountText);
        } catch (error) {
          throw new CliError(`amount: ${(error as Error).message}`);
        }
        if (amount === 0) throw new CliError('amount: must not be zero');
        if (!(await store.keys.get(keyId))) throw new CliError(`no key with id ${keyId}`);
        const balance = await store.credits.adjust(keyId, amount, amount > 0 ? 'topup' : 'adjust', o.note ?? null);
        if (balance === undefined) throw new CliError(`cannot remove ${formatCredits(-amount)} credits: the key has less than that available`);
        print(!!o.json, { key_id: keyId, added: formatCredits(amount), balance: formatCredits(balance) }, () =>
          `${amount > 0 ? 'Added' : 'Removed'} ${formatCredits(Math.abs(amount))} credits; ${keyId} now has ${formatCredits(balance)}.`,
        );
      }),
    );

  credits
    .command('show <key-id>')
    .description("a key's balance and its ledger")
    .option('--json', 'print one JSON object')
    .action((keyId: string, o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const key = await store.keys.get(keyId);
        if (!key) throw new CliError(`no key with id ${keyId}`);
        const summary = creditsJson(key, await store.credits.ledger(keyId));
        const { ledger } = summary;
        print(!!o.json, summary, () =>
          [
            `${keyId}: balance ${summary.balance}, held ${summary.held}, available ${summary.available}, spent ${summary.spent}${summary.cap ? `, cap ${summary.cap}` : ''}`,
            '',
            table(['#', 'AT', 'KIND', 'AMOUNT', 'BALANCE', 'REF', 'NOTE'], ledger.map((e) => [String(e.id), e.at ?? '', e.kind, e.amount, e.balance_after, e.ref ?? '', e.note ?? ''])),
          ].join('\n'),
        );
      }),
    );
}
