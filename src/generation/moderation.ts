/**
 * @module Banned-words moderation (spec §7, 403 content_moderation): case-insensitive, whole
 * words or phrases, in the prompt and the negative prompt. The matcher is rebuilt only when the
 * store's revision moves, so a word added from the CLI applies to the next request.
 */
import type { BannedWordRepository } from '../store/store.js';

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');

/** A word boundary that understands letters beyond ASCII, unlike `\b`. */
export function compileMatcher(words: readonly string[]): RegExp | undefined {
  if (words.length === 0) return undefined;
  const alternatives = [...words].sort((a, b) => b.length - a.length).map(escape).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'iu');
}

export interface Moderator {
  /** @returns true when any text hits a banned word. */
  flags(texts: readonly (string | undefined)[]): Promise<boolean>;
}

export function bannedWordsModerator(repo: BannedWordRepository): Moderator {
  let cached: { revision: number; matcher: RegExp | undefined } | undefined;
  return {
    async flags(texts) {
      const revision = await repo.revision();
      if (!cached || cached.revision !== revision) cached = { revision, matcher: compileMatcher(await repo.list()) };
      const matcher = cached.matcher;
      return matcher !== undefined && texts.some((t) => t !== undefined && matcher.test(t));
    },
  };
}
