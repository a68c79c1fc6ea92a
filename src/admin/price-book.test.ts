/** @module Tests for the price book: overrides win, the cache reloads only when the revision moves. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../config/config.js';
import type { PriceOverride, PriceRepository } from '../store/admin-store.js';
import { priceBook, priceLines } from './price-book.js';

function fakeRepo() {
  const overrides = new Map<string, number>();
  let revision = 0;
  const repo = {
    lists: 0,
    async list(): Promise<PriceOverride[]> {
      repo.lists += 1;
      return [...overrides].map(([model, price]) => ({ model, price, updatedAt: 1 }));
    },
    async set(model: string, price: number) {
      overrides.set(model, price);
      revision += 1;
      return { model, price, updatedAt: 1 };
    },
    async remove(model: string) {
      revision += 1;
      return overrides.delete(model);
    },
    revision: async () => revision,
  } satisfies PriceRepository & { lists: number };
  return repo;
}

describe('price book', () => {
  const { models } = loadConfig({});

  it('answers the configured price, an override when set, and nothing for unknown models', async () => {
    const repo = fakeRepo();
    const book = priceBook(repo, models);
    assert.equal(await book.priceOf('sd3-large'), 6_500);
    await repo.set('sd3-large', 7_125);
    assert.equal(await book.priceOf('sd3-large'), 7_125);
    assert.equal(await book.priceOf('core'), 3_000);
    await repo.remove('sd3-large');
    assert.equal(await book.priceOf('sd3-large'), 6_500);
    assert.equal(await book.priceOf('sd9'), undefined);
  });

  it('reads the overrides again only when the revision moved', async () => {
    const repo = fakeRepo();
    const book = priceBook(repo, models);
    for (let i = 0; i < 5; i++) await book.priceOf('sd3-large');
    assert.equal(repo.lists, 1);
    await repo.set('core', 1);
    await book.priceOf('sd3-large');
    await book.priceOf('core');
    assert.equal(repo.lists, 2);
  });

  it('lists every model in catalogue order with its default', async () => {
    const repo = fakeRepo();
    await repo.set('core', 2_500);
    const lines = await priceLines(repo, models);
    assert.deepEqual(lines.map((l) => l.model), [...models.keys()]);
    assert.deepEqual(lines.find((l) => l.model === 'core'), { model: 'core', price: 2_500, defaultPrice: 3_000, override: { price: 2_500, updatedAt: 1 } });
  });
});
