/** @module Banned-words moderation (spec §7, 403 content_moderation): the matcher and its cache. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openStore } from '../store/open-store.js';
import type { BannedWordRepository } from '../store/store.js';
import { bannedWordsModerator, compileMatcher } from './moderation.js';

const matches = (words: readonly string[], text: string) => {
  const matcher = compileMatcher(words);
  assert.ok(matcher, 'a non-empty list compiles');
  return matcher.test(text);
};

describe('compileMatcher', () => {
  it('compiles nothing for an empty list', () => {
    assert.equal(compileMatcher([]), undefined);
  });

  it('is case-insensitive, also beyond ASCII', () => {
    assert.equal(matches(['gore'], 'so much GORE here'), true);
    assert.equal(matches(['GORE'], 'gore'), true);
    assert.equal(matches(['café'], 'CAFÉ au lait'), true);
  });

  it('matches whole words only', () => {
    assert.equal(matches(['cat'], 'a cat on a mat'), true);
    assert.equal(matches(['cat'], 'cat'), true);
    assert.equal(matches(['cat'], 'cat, then dog'), true);
    assert.equal(matches(['cat'], '(cat)'), true);
    assert.equal(matches(['cat'], 'concatenate'), false);
    assert.equal(matches(['cat'], 'cats'), false);
    assert.equal(matches(['cat'], 'tomcat'), false);
    assert.equal(matches(['cat'], 'cat9'), false, 'digits are part of a word');
    assert.equal(matches(['cat'], 'cat_food'), false, 'underscores are part of a word');
  });

  it('matches phrases with any whitespace between their words', () => {
    assert.equal(matches(['red panda'], 'a red panda sleeping'), true);
    assert.equal(matches(['red panda'], 'a RED   Panda'), true);
    assert.equal(matches(['red panda'], 'red\n\tpanda'), true);
    assert.equal(matches(['red panda'], 'redpanda'), false);
    assert.equal(matches(['red panda'], 'red pandas'), false);
    assert.equal(matches(['red panda'], 'red, panda'), false);
  });

  it('treats regex metacharacters in words literally', () => {
    assert.equal(matches(['a.b'], 'axb'), false);
    assert.equal(matches(['a.b'], 'say a.b now'), true);
    assert.equal(matches(['c++'], 'I write c++ daily'), true);
    assert.equal(matches(['c++'], 'I write ccc daily'), false);
    assert.equal(matches(['(x)'], 'a (x) b'), true);
    assert.equal(matches(['.*'], 'anything at all'), false);
    assert.equal(matches(['a|b'], 'a'), false);
    assert.equal(matches(['a|b'], 'x a|b y'), true);
    assert.equal(matches(['$5'], 'for $5 only'), true);
    assert.equal(matches(['[x]'], 'x'), false);
    assert.equal(matches(['back\\slash'], 'a back\\slash b'), true);
  });

  it('uses letters of every script as word characters', () => {
    assert.equal(matches(['café'], 'un café noir'), true);
    assert.equal(matches(['café'], 'les cafés'), false);
    assert.equal(matches(['café'], 'xcafé'), false);
    assert.equal(matches(['naïve'], 'naïveté'), false);
    assert.equal(matches(['ß'], 'Straße'), false);
    assert.equal(matches(['кот'], 'это кот.'), true);
    assert.equal(matches(['кот'], 'котик'), false);
    assert.equal(matches(['猫'], '猫'), true);
  });

  it('matches any word of the list, the longest alternative first', () => {
    const matcher = compileMatcher(['red', 'red panda', 'blood']);
    assert.ok(matcher);
    assert.equal(matcher.test('blood moon'), true);
    assert.equal(matcher.exec('a red panda')?.[0], 'red panda');
    assert.equal(matcher.test('bloody'), false);
  });

  it('has no memory between calls (no global flag)', () => {
    const matcher = compileMatcher(['cat']);
    assert.ok(matcher);
    for (let i = 0; i < 3; i++) assert.equal(matcher.test('cat'), true);
  });
});

describe('bannedWordsModerator', () => {
  it('flags a prompt or a negative prompt, and ignores absent texts', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    try {
      await store.bannedWords.add('gore');
      const moderator = bannedWordsModerator(store.bannedWords);
      assert.equal(await moderator.flags(['a lighthouse', undefined]), false);
      assert.equal(await moderator.flags(['a lighthouse', 'no gore']), true);
      assert.equal(await moderator.flags(['Gore everywhere', undefined]), true);
      assert.equal(await moderator.flags([]), false);
    } finally {
      await store.close();
    }
  });

  it('rebuilds after a word is added or removed through the repository', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    try {
      const moderator = bannedWordsModerator(store.bannedWords);
      assert.equal(await moderator.flags(['a cat on a mat']), false);
      await store.bannedWords.add('cat');
      assert.equal(await moderator.flags(['a cat on a mat']), true);
      await store.bannedWords.add('dog');
      assert.equal(await moderator.flags(['hot dog']), true);
      await store.bannedWords.remove('cat');
      assert.equal(await moderator.flags(['a cat on a mat']), false);
      assert.equal(await moderator.flags(['hot dog']), true);
    } finally {
      await store.close();
    }
  });

  it('reads the list only when the revision moves', async () => {
    let lists = 0;
    let revision = 1;
    const words = ['cat'];
    const repo: BannedWordRepository = {
      add: async () => false,
      remove: async () => false,
      list: async () => {
        lists++;
        return [...words];
      },
      revision: async () => revision,
    };
    const moderator = bannedWordsModerator(repo);
    assert.equal(await moderator.flags(['cat']), true);
    assert.equal(await moderator.flags(['dog']), false);
    assert.equal(await moderator.flags(['cat']), true);
    assert.equal(lists, 1);
    words.push('dog');
    assert.equal(await moderator.flags(['dog']), false, 'same revision: the cached matcher');
    revision++;
    assert.equal(await moderator.flags(['dog']), true);
    assert.equal(lists, 2);
  });
});
