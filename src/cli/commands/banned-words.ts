/** @module `aigate banned-words add|list|remove`: the moderation list, effective on the next request. */
import type { Command } from 'commander';
import { CliError, withStore, type CliIo } from '../context.js';

const normalise = (word: string) => {
  const clean = word.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!clean) throw new CliError('word: must not be empty');
  return clean;
};

export function registerBannedWords(program: Command, io: CliIo): void {
  const words = program.command('banned-words').description('words and phrases that prompts may not contain');
  words
    .command('add <word>')
    .option('--json', 'print one JSON object')
    .action((word: string, o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const clean = normalise(word);
        const added = await store.bannedWords.add(clean);
        print(!!o.json, { word: clean, added }, () => (added ? `Banned "${clean}".` : `"${clean}" was already banned.`));
      }),
    );
  words
    .command('remove <word>')
    .option('--json', 'print one JSON object')
    .action((word: string, o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const clean = normalise(word);
        if (!(await store.bannedWords.remove(clean))) throw new CliError(`"${clean}" is not banned`);
        print(!!o.json, { word: clean, removed: true }, () => `Removed "${clean}".`);
      }),
    );
  words
    .command('list')
    .option('--json', 'print one JSON object')
    .action((o: { json?: boolean }) =>
      withStore(io, async ({ store, print }) => {
        const list = await store.bannedWords.list();
        print(!!o.json, { words: list }, () => (list.length ? list.join('\n') : '(no banned words)'));
      }),
    );
}
