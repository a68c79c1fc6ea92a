/**
 * @module Routing: priority first, weighted random within a priority (checked statistically on a
 * seeded generator), and the store-backed router that reloads when the channels' revision moves.
 */
import assert from 'node:assert/strict';
import { mulberry32 } from '../providers/sandbox/prng.js';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../config/config.js';
import type { Provider } from '../providers/provider.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { channelService, type ChannelService } from './channel-service.js';
import { buildChannel, order, staticRouter, storeRouter, type RoutedChannel } from './router.js';
import { secretBox, type SecretBox } from './secret-box.js';

/** A seeded PRNG (the sandbox's mulberry32), so the statistics below are the same on every run. */
const seeded = mulberry32;

const provider: Provider = { generate: async () => assert.fail('routing never calls a provider') };

const channel = (name: string, priority: number, weight = 1, models: string[] | null = null): RoutedChannel => ({
  id: `ch_${name}`,
  name,
  provider,
  priority,
  weight,
  maxConcurrency: null,
  timeoutMs: 60_000,
  models: models && new Set(models),
});

const DRAWS = 20_000;

/** How often each channel came first over DRAWS orderings, as shares of 1. */
function firstShares(channels: readonly RoutedChannel[], seed: number): Map<string, number> {
  const random = seeded(seed);
  const counts = new Map<string, number>(channels.map((c) => [c.name, 0]));
  for (let i = 0; i < DRAWS; i += 1) {
    const first = order(channels, random)[0]!.name;
    counts.set(first, counts.get(first)! + 1);
  }
  return new Map([...counts].map(([name, n]) => [name, n / DRAWS]));
}

const near = (actual: number | undefined, expected: number, tolerance = 0.02) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `expected ${expected} ± ${tolerance}, got ${actual}`);

describe('order', () => {
  it('always puts a higher priority first, whatever the weights', () => {
    const channels = [channel('low', 0, 1000), channel('mid-a', 5, 1), channel('top', 10, 1), channel('mid-b', 5, 1000), channel('neg', -3, 1000)];
    const random = seeded(1);
    for (let i = 0; i < 2_000; i += 1) {
      const names = order(channels, random).map((c) => c.name);
      assert.equal(names[0], 'top');
      assert.deepEqual(new Set(names.slice(1, 3)), new Set(['mid-a', 'mid-b']));
      assert.deepEqual(names.slice(3), ['low', 'neg']);
    }
  });

  it('returns every channel once and leaves its input alone', () => {
    const channels = [channel('a', 0), channel('b', 0, 3), channel('c', 1)];
    const before = channels.map((c) => c.name);
    const ordered = order(channels, seeded(2));
    assert.deepEqual(ordered.map((c) => c.name).sort(), ['a', 'b', 'c']);
    assert.deepEqual(channels.map((c) => c.name), before);
    assert.deepEqual(order([], seeded(2)), []);
  });

  it('puts each channel of a priority first in proportion to its weight (1:3)', () => {
    const shares = firstShares([channel('one', 0, 1), channel('three', 0, 3)], 42);
    near(shares.get('one'), 0.25);
    near(shares.get('three'), 0.75);
  });

  it('puts each channel of a priority first in proportion to its weight (1:2:5), whatever the seed', () => {
    for (const seed of [7, 1234, 987_654]) {
      const shares = firstShares([channel('a', 0, 1), channel('b', 0, 2), channel('c', 0, 5)], seed);
      near(shares.get('a'), 1 / 8);
      near(shares.get('b'), 2 / 8);
      near(shares.get('c'), 5 / 8);
    }
  });

  it('shares evenly between equal weights, and only within the top priority', () => {
    const shares = firstShares([channel('a', 2, 4), channel('b', 2, 4), channel('c', 1, 1000)], 99);
    near(shares.get('a'), 0.5);
    near(shares.get('b'), 0.5);
    assert.equal(shares.get('c'), 0);
  });

  it('uses the random source it is given', () => {
    const channels = [channel('a', 0, 1), channel('b', 0, 1)];
    // a draws first: 0.9 for a, 0.1 for b, then the other way round.
    const scripted = (values: number[]) => () => values.shift()!;
    assert.deepEqual(order(channels, scripted([0.9, 0.1])).map((c) => c.name), ['a', 'b']);
    assert.deepEqual(order(channels, scripted([0.1, 0.9])).map((c) => c.name), ['b', 'a']);
  });
});

describe('staticRouter', () => {
  it('offers the channels serving the model, and has nothing to disable', async () => {
    const router = staticRouter([channel('all', 0), channel('core-only', 1, 1, ['core'])], seeded(3));
    assert.deepEqual((await router.candidates('core')).map((c) => c.name), ['core-only', 'all']);
    assert.deepEqual((await router.candidates('sd3-large')).map((c) => c.name), ['all']);
    await router.disable('ch_all', 'ignored');
    assert.deepEqual((await router.candidates('sd3-large')).map((c) => c.name), ['all']);
  });
});

describe('storeRouter', () => {
  const models = loadConfig({}).models;
  let store: Store;
  let box: SecretBox;
  let service: ChannelService;

  beforeEach(async () => {
    store = await openStore({ sqlitePath: ':memory:' });
    box = secretBox(randomBytes(32));
    service = channelService(store, box, models);
  });
  afterEach(() => store.close());

  const names = (channels: readonly RoutedChannel[]) => channels.map((c) => c.name).sort();

  /** Counts the store's channel listings, to tell a cache hit from a reload. */
  function countLists(): { count: number } {
    const counter = { count: 0 };
    const list = store.channels.list.bind(store.channels);
    store.channels.list = async () => {
      counter.count += 1;
      return list();
    };
    return counter;
  }

  it('starts with the sandbox, which serves every model', async () => {
    const router = storeRouter(store, box);
    const sandbox = await router.candidates('sd3-large');
    assert.deepEqual(names(sandbox), ['sandbox']);
    assert.equal(sandbox[0]!.id, 'ch_sandbox');
    assert.equal(sandbox[0]!.models, null);
    assert.deepEqual(names(await router.candidates('core')), ['sandbox']);
  });

  it('offers only enabled channels that serve the model, with their settings', async () => {
    await service.add({ provider: 'stability', name: 'sd3-only', baseUrl: 'http://127.0.0.1:9', credentials: 'sk-testKey0123456789', models: ['sd3-large', 'sd3-medium'], priority: 5, weight: 3, maxConcurrency: 4, timeoutMs: 30_000 });
    await service.add({ provider: 'a1111', name: 'core-only', baseUrl: 'http://127.0.0.1:9', models: ['core'] });
    await service.add({ provider: 'a1111', name: 'off', baseUrl: 'http://127.0.0.1:9', enabled: false });
    const router = storeRouter(store, box);

    const sd3 = await router.candidates('sd3-large');
    assert.deepEqual(sd3.map((c) => c.name), ['sd3-only', 'sandbox'], 'priority 5 before the sandbox at 0');
    const routed = sd3[0]!;
    assert.deepEqual(
      { priority: routed.priority, weight: routed.weight, maxConcurrency: routed.maxConcurrency, timeoutMs: routed.timeoutMs, models: [...routed.models!].sort() },
      { priority: 5, weight: 3, maxConcurrency: 4, timeoutMs: 30_000, models: ['sd3-large', 'sd3-medium'] },
    );
    assert.equal(typeof routed.provider.generate, 'function');
    assert.deepEqual(names(await router.candidates('core')), ['core-only', 'sandbox']);
    assert.deepEqual(names(await router.candidates('ultra')), ['sandbox']);
  });

  it('reloads only when the channels change, and then on the very next call', async () => {
    const lists = countLists();
    const router = storeRouter(store, box);
    assert.deepEqual(names(await router.candidates('sd3-large')), ['sandbox']);
    assert.deepEqual(names(await router.candidates('core')), ['sandbox']);
    assert.equal(lists.count, 1, 'an unchanged revision is served from the cache');

    await service.add({ provider: 'a1111', name: 'new', baseUrl: 'http://127.0.0.1:9' });
    assert.deepEqual(names(await router.candidates('sd3-large')), ['new', 'sandbox']);
    assert.equal(lists.count, 2);

    await service.setEnabled('sandbox', false);
    assert.deepEqual(names(await router.candidates('sd3-large')), ['new']);

    await service.update('new', { models: ['core'] });
    assert.deepEqual(names(await router.candidates('sd3-large')), []);
    assert.deepEqual(names(await router.candidates('core')), ['new']);

    await service.remove('new');
    assert.deepEqual(names(await router.candidates('core')), []);
    await service.setEnabled('sandbox', true);
    assert.deepEqual(names(await router.candidates('core')), ['sandbox']);
    assert.equal(lists.count, 6, 'one reload per change');
  });

  it('disable() takes a channel out of service with the reason stored', async () => {
    const added = await service.add({ provider: 'a1111', name: 'flaky', baseUrl: 'http://127.0.0.1:9' });
    const router = storeRouter(store, box);
    assert.deepEqual(names(await router.candidates('sd3-large')), ['flaky', 'sandbox']);

    await router.disable(added.id, 'credentials refused by the upstream (HTTP 401)');
    const stored = await store.channels.find('flaky');
    assert.equal(stored?.enabled, false);
    assert.equal(stored?.disabledReason, 'credentials refused by the upstream (HTTP 401)');
    assert.deepEqual(names(await router.candidates('sd3-large')), ['sandbox']);
  });

  it('skips a channel whose credentials do not open with this key, instead of throwing', async () => {
    const otherBox = secretBox(randomBytes(32));
    await channelService(store, otherBox, models).add({ provider: 'stability', name: 'foreign', baseUrl: 'http://127.0.0.1:9', credentials: 'sk-sealedElsewhere0123' });
    await service.add({ provider: 'stability', name: 'mine', baseUrl: 'http://127.0.0.1:9', credentials: 'sk-sealedHere012345678' });

    assert.deepEqual(names(await storeRouter(store, box).candidates('sd3-large')), ['mine', 'sandbox']);
    assert.deepEqual(names(await storeRouter(store, otherBox).candidates('sd3-large')), ['foreign', 'sandbox']);
    const foreign = await store.channels.find('foreign');
    assert.equal(buildChannel(foreign!, box), undefined);
    assert.equal(buildChannel(foreign!, otherBox)?.name, 'foreign');
  });

  it('skips a channel whose sealed value was copied from another row', async () => {
    const a = await service.add({ provider: 'stability', name: 'a', baseUrl: 'http://127.0.0.1:9', credentials: 'sk-channelA0123456789' });
    const b = await service.add({ provider: 'stability', name: 'b', baseUrl: 'http://127.0.0.1:9', credentials: 'sk-channelB0123456789' });
    await store.channels.update(b.id, { credentialsEnc: a.credentialsEnc });
    assert.deepEqual(names(await storeRouter(store, box).candidates('sd3-large')), ['a', 'sandbox']);
  });

  it('skips a channel of a provider this build does not know', async () => {
    await store.channels.create({
      name: 'future', provider: 'not-a-provider', baseUrl: 'http://127.0.0.1:9', credentialsEnc: null, credentialsHint: null, models: null,
      modelMap: {}, options: {}, priority: 9, weight: 1, maxConcurrency: null, timeoutMs: 60_000, enabled: true, disabledReason: null,
    });
    assert.deepEqual(names(await storeRouter(store, box).candidates('sd3-large')), ['sandbox']);
  });

  it('buildChannel builds a disabled channel only when asked (for channels test)', async () => {
    const off = await service.add({ provider: 'a1111', name: 'off', baseUrl: 'http://127.0.0.1:9/', enabled: false });
    assert.equal(buildChannel(off, box), undefined);
    assert.equal(buildChannel(off, box, true)?.name, 'off');
  });
});
