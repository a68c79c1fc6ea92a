/**
 * @module Managing channels: every setting validated with a message naming it, credentials sealed
 * to the channel id before they reach the store, partial updates, enable/disable with a reason.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../config/config.js';
import { PROVIDER_IDS } from '../providers/registry.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { ChannelInputError, channelService, type ChannelInput, type ChannelService } from './channel-service.js';
import { hintOf, secretBox, type SecretBox } from './secret-box.js';

const KEY = 'sk-stabilityKey0123456789abcdefghijklmnopqrstuv';
const UPSTREAM = 'http://127.0.0.1:9';

describe('channelService', () => {
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

  const stability = (extra: ChannelInput = {}): ChannelInput => ({ provider: 'stability', name: 'stab', baseUrl: UPSTREAM, credentials: KEY, ...extra });

  /** Asserts the call is refused with a ChannelInputError whose message matches. */
  async function refused(call: () => Promise<unknown>, message: RegExp): Promise<void> {
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof ChannelInputError, `expected a ChannelInputError, got ${String(error)}`);
      assert.equal(error.name, 'ChannelInputError');
      assert.match(error.message, message);
      return true;
    });
  }

  const count = async () => (await service.list()).length;

  describe('add', () => {
    it('stores a channel with every setting and the defaults for the rest', async () => {
      const added = await service.add(stability({ models: ['sd3-large'], modelMap: { 'sd3-large': 'sd3.5-large' }, options: { clientId: 'aigate-test' }, priority: 3, weight: 7, maxConcurrency: 2, timeoutMs: 45_000 }));
      assert.match(added.id, /^ch_[0-9a-f]{10}$/);
      assert.deepEqual(
        { ...added, id: undefined, credentialsEnc: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined, name: 'stab', provider: 'stability', baseUrl: UPSTREAM, credentialsEnc: undefined, credentialsHint: hintOf(KEY),
          models: ['sd3-large'], modelMap: { 'sd3-large': 'sd3.5-large' }, options: { clientId: 'aigate-test' }, priority: 3, weight: 7,
          maxConcurrency: 2, timeoutMs: 45_000, enabled: true, disabledReason: null, createdAt: undefined, updatedAt: undefined,
        },
      );
      assert.deepEqual(await service.find('stab'), added);
      assert.deepEqual(await service.find(added.id), added);

      const plain = await service.add({ provider: 'a1111', name: 'local', baseUrl: UPSTREAM });
      assert.deepEqual(
        [plain.models, plain.modelMap, plain.options, plain.priority, plain.weight, plain.maxConcurrency, plain.timeoutMs, plain.enabled, plain.credentialsEnc, plain.credentialsHint],
        [null, {}, {}, 0, 1, null, 120_000, true, null, null],
      );
    });

    it("uses the provider's public base URL when none is given", async () => {
      const added = await service.add({ provider: 'stability', name: 'public', credentials: KEY });
      assert.equal(added.baseUrl, 'https://api.stability.ai');
    });

    it('adds a disabled channel with the operator as the reason', async () => {
      const added = await service.add(stability({ enabled: false }));
      assert.equal(added.enabled, false);
      assert.equal(added.disabledReason, 'disabled by the operator');
    });

    it('refuses an unknown provider, listing the known ones', async () => {
      await refused(() => service.add({ provider: 'midjourney', name: 'mj', baseUrl: UPSTREAM }), /^provider: must be one of /);
      const error = await service.add({ provider: 'midjourney', name: 'mj', baseUrl: UPSTREAM }).catch((e: Error) => e);
      for (const id of PROVIDER_IDS) assert.ok((error as Error).message.includes(id), `${id} is listed`);
      await refused(() => service.add({ provider: 'constructor', name: 'proto', baseUrl: UPSTREAM }), /^provider: /);
      await refused(() => service.add({ name: 'none', baseUrl: UPSTREAM }), /^provider: is required/);
    });

    it('refuses a bad name', async () => {
      for (const name of ['Stab', 'has space', '-dash-first', '', 'a'.repeat(65), 'über']) {
        await refused(() => service.add(stability({ name })), /^name: use 1 to 64 lowercase/);
      }
      await refused(() => service.add({ provider: 'stability', baseUrl: UPSTREAM, credentials: KEY }), /^name: is required/);
      assert.equal((await service.add(stability({ name: 'a'.repeat(64) }))).name, 'a'.repeat(64));
      assert.equal((await service.add(stability({ name: '0.stab_2-x' }))).name, '0.stab_2-x');
    });

    it('refuses a base URL that is not a URL, or not http(s)', async () => {
      for (const baseUrl of ['not a url', 'api.stability.ai', '']) {
        await refused(() => service.add(stability({ baseUrl })), /^base-url: must be an http or https URL/);
      }
      for (const baseUrl of ['ftp://example.com', 'file:///etc/passwd', 'javascript:alert(1)']) {
        await refused(() => service.add(stability({ baseUrl })), /^base-url: must be an http or https URL/);
      }
      assert.equal((await service.add(stability({ name: 'tls', baseUrl: 'https://example.com/base' }))).baseUrl, 'https://example.com/base');
    });

    it('refuses an unknown model, in the list or in the model map, naming the known ones', async () => {
      await refused(() => service.add(stability({ models: ['sd3-large', 'sd4-ultra'] })), /^models: unknown model sd4-ultra; known: .*sd3-large.*core/);
      await refused(() => service.add(stability({ modelMap: { 'sd9': 'anything' } })), /^models: unknown model sd9/);
      assert.equal(await count(), 1, 'only the sandbox');
    });

    it('refuses a weight outside 1..1000, a bad priority, concurrency or timeout', async () => {
      for (const weight of [0, -1, 1.5, 1001]) await refused(() => service.add(stability({ weight })), /^weight: must be a whole number from 1 to 1000/);
      await refused(() => service.add(stability({ priority: 0.5 })), /^priority: must be a whole number/);
      for (const maxConcurrency of [0, 2.5]) await refused(() => service.add(stability({ maxConcurrency })), /^max-concurrency: /);
      for (const timeoutMs of [500, 999, 600_001, 3_600_000, 1500.5]) await refused(() => service.add(stability({ timeoutMs })), /^timeout: must be from 1 second to 10 minutes/);
      assert.equal((await service.add(stability({ name: 'bounds', weight: 1000, priority: -5, timeoutMs: 1000 }))).timeoutMs, 1000);
    });

    it("refuses an option the provider does not know", async () => {
      await refused(() => service.add(stability({ options: { steps: 30 } })), /^option: stability: unknown option "steps"/);
    });

    it('refuses a provider that needs credentials without them, naming the setting', async () => {
      await refused(() => service.add(stability({ credentials: undefined })), /^credentials: a stability channel needs the upstream's API key/);
      await refused(() => service.add(stability({ credentials: null })), /^credentials: /);
      await refused(() => service.add(stability({ credentials: '' })), /^credentials: /);
      assert.equal((await service.add({ provider: 'a1111', name: 'open', baseUrl: UPSTREAM })).credentialsEnc, null, 'a1111 needs none');
    });

    it('refuses a duplicate name', async () => {
      await service.add(stability());
      await refused(() => service.add(stability()), /^name: a channel named stab exists already/);
      await refused(() => service.add({ provider: 'a1111', name: 'sandbox', baseUrl: UPSTREAM }), /^name: a channel named sandbox exists already/);
      assert.equal(await count(), 2);
    });

    it('stores credentials sealed to the channel id, with a masked hint', async () => {
      const added = await service.add(stability());
      const row = await store.channels.find(added.id);
      assert.ok(row?.credentialsEnc);
      assert.ok(!row.credentialsEnc.includes(KEY));
      assert.ok(!row.credentialsEnc.includes(KEY.slice(3, 20)));
      assert.equal(row.credentialsHint, '…stuv');
      assert.ok(!row.credentialsHint.includes(KEY.slice(4, -4)));
      assert.equal(box.open(row.credentialsEnc, added.id), KEY);
      assert.throws(() => box.open(row.credentialsEnc!, 'ch_sandbox'), /did not open/, 'sealed to this channel only');
      assert.ok(!JSON.stringify(await service.list()).includes(KEY), 'nothing listed carries the plaintext');
    });
  });

  describe('update', () => {
    it('changes only what is given', async () => {
      const added = await service.add(stability({ models: ['sd3-large'], priority: 2, weight: 4, maxConcurrency: 3, timeoutMs: 20_000 }));
      const updated = await service.update('stab', { priority: 9 });
      assert.deepEqual({ ...updated, updatedAt: 0 }, { ...added, priority: 9, updatedAt: 0 });
      assert.equal(updated.credentialsEnc, added.credentialsEnc, 'credentials untouched: not re-sealed');

      const renamed = await service.update(added.id, { name: 'stab2', baseUrl: 'https://example.com', credentials: KEY, models: null, maxConcurrency: null, timeoutMs: 5000 });
      assert.deepEqual(
        [renamed.name, renamed.baseUrl, renamed.models, renamed.maxConcurrency, renamed.timeoutMs, renamed.priority, renamed.weight, renamed.credentialsHint],
        ['stab2', 'https://example.com', null, null, 5000, 9, 4, hintOf(KEY)],
      );
      assert.equal(await store.channels.find('stab'), undefined);
    });

    it('treats undefined fields (flags not given) as unchanged', async () => {
      const added = await service.add(stability({ priority: 2 }));
      const updated = await service.update('stab', { name: undefined, baseUrl: undefined, credentials: undefined, models: undefined, priority: undefined, weight: 5 });
      assert.deepEqual({ ...updated, updatedAt: 0 }, { ...added, weight: 5, updatedAt: 0 });
    });

    it('re-seals new credentials', async () => {
      const added = await service.add(stability());
      const NEW = 'sk-rotatedKey9876543210zyxwvutsrqponm';
      const updated = await service.update('stab', { credentials: NEW });
      assert.notEqual(updated.credentialsEnc, added.credentialsEnc);
      assert.ok(!updated.credentialsEnc!.includes(NEW));
      assert.equal(box.open(updated.credentialsEnc!, added.id), NEW);
      assert.equal(updated.credentialsHint, hintOf(NEW));
    });

    it('clears credentials with null', async () => {
      await service.add({ provider: 'a1111', name: 'webui', baseUrl: UPSTREAM, credentials: 'admin:pw' });
      const before = await service.find('webui');
      assert.equal(box.open(before.credentialsEnc!, before.id), 'admin:pw');
      assert.equal(before.credentialsHint, '****');
      const cleared = await service.update('webui', { credentials: null });
      assert.equal(cleared.credentialsEnc, null);
      assert.equal(cleared.credentialsHint, null);
    });

    it('validates the merged channel', async () => {
      await service.add(stability());
      await service.add(stability({ name: 'other' }));
      await refused(() => service.update('stab', { baseUrl: 'ftp://x' }), /^base-url: /);
      await refused(() => service.update('stab', { weight: 0 }), /^weight: /);
      await refused(() => service.update('stab', { models: ['nope'] }), /^models: unknown model nope/);
      await refused(() => service.update('stab', { name: 'other' }), /^name: a channel named other exists already/);
      await refused(() => service.update('stab', { name: 'Bad Name' }), /^name: /);
      await refused(() => service.update('stab', { provider: 'nope' }), /^provider: /);
      await refused(() => service.update('missing', { weight: 2 }), /^no channel missing/);
      assert.equal((await service.find('stab')).weight, 1, 'a refused update changes nothing');
    });

    it('enables and disables with the operator as the reason', async () => {
      await service.add(stability());
      const off = await service.update('stab', { enabled: false });
      assert.deepEqual([off.enabled, off.disabledReason], [false, 'disabled by the operator']);
      const on = await service.update('stab', { enabled: true });
      assert.deepEqual([on.enabled, on.disabledReason], [true, null]);
    });
  });

  describe('setEnabled', () => {
    it('stores the reason when disabling and clears it when enabling', async () => {
      await service.add(stability());
      const off = await service.setEnabled('stab', false, 'upstream maintenance until 18:00');
      assert.deepEqual([off.enabled, off.disabledReason], [false, 'upstream maintenance until 18:00']);
      assert.equal((await store.channels.find('stab'))?.disabledReason, 'upstream maintenance until 18:00');
      const defaulted = await service.setEnabled('stab', false);
      assert.equal(defaulted.disabledReason, 'disabled by the operator');
      const on = await service.setEnabled('stab', true, 'ignored when enabling');
      assert.deepEqual([on.enabled, on.disabledReason], [true, null]);
      await refused(() => service.setEnabled('missing', true), /^no channel missing/);
    });
  });

  describe('remove', () => {
    it('removes a channel by name or id', async () => {
      const a = await service.add(stability({ name: 'a' }));
      await service.add(stability({ name: 'b' }));
      await service.remove('a');
      await service.remove('b');
      assert.equal(await store.channels.find(a.id), undefined);
      assert.deepEqual((await service.list()).map((c) => c.name), ['sandbox']);
      await refused(() => service.remove('a'), /^no channel a/);
      await refused(() => service.find('b'), /^no channel b/);
    });
  });

  it('has the built-in sandbox channel after migration', async () => {
    const sandbox = await service.find('sandbox');
    assert.deepEqual(
      [sandbox.id, sandbox.name, sandbox.provider, sandbox.baseUrl, sandbox.enabled, sandbox.models, sandbox.credentialsEnc, sandbox.priority, sandbox.weight],
      ['ch_sandbox', 'sandbox', 'sandbox', 'builtin:sandbox', true, null, null, 0, 1],
    );
    assert.deepEqual((await service.list()).map((c) => c.name), ['sandbox']);
  });
});

describe('a channel that needs credentials cannot lose them', () => {
  it('refuses to clear a stability channel key', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const service = channelService(store, secretBox(randomBytes(32)), loadConfig({}).models);
    await service.add({ provider: 'stability', name: 'st', credentials: KEY });
    await assert.rejects(service.update('st', { credentials: null }), /credentials: a stability channel needs/);
    assert.notEqual((await store.channels.find('st'))?.credentialsEnc, null);
    await store.close();
  });
});

describe('credentials follow their URL', () => {
  it('refuses to move a channel with credentials to another origin unless the key is sent again', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const box = secretBox(randomBytes(32));
    const service = channelService(store, box, loadConfig({}).models);
    const added = await service.add({ provider: 'stability', name: 'st', baseUrl: 'https://api.stability.ai', credentials: KEY });
    await assert.rejects(service.update('st', { baseUrl: 'https://attacker.example' }), /base-url: moving a channel to another origin needs its credentials sent again/);
    assert.equal((await store.channels.find('st'))?.baseUrl, 'https://api.stability.ai', 'nothing changed');
    // The same origin (another path) is fine, and so is a move with the key sent again.
    await service.update('st', { baseUrl: 'https://api.stability.ai/v2' });
    const moved = await service.update('st', { baseUrl: 'https://other.example', credentials: 'sk-newKeyForOtherHost0123456789' });
    assert.equal(moved.baseUrl, 'https://other.example');
    assert.equal(box.open(moved.credentialsEnc!, added.id), 'sk-newKeyForOtherHost0123456789');
    await store.close();
  });
});
