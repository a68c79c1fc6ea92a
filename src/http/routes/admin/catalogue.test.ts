/**
 * @module Prices and banned words through the admin API, checked on the next generation: the
 * exact new price charged in the ledger, the default back after DELETE, and moderation refusals.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingProvider, routerFor } from '../../../../test/helpers/test-app.js';
import { adminStation, assertError, call, generate, json, type AdminStation } from './test-admin-kit.js';

async function withStation(run: (station: AdminStation) => Promise<void>, env?: Record<string, string>) {
  const station = await adminStation({ router: routerFor(countingProvider()), env });
  try {
    await run(station);
  } finally {
    await station.close();
  }
}

type PriceJson = { model: string; credits: string; default_credits: string; overridden: boolean; updated_at: string | null };

const lastCharge = async (station: AdminStation, keyId: string) => (await station.store.credits.ledger(keyId)).filter((e) => e.kind === 'charge').at(-1)?.amount;

describe('admin API: prices', () => {
  it('lists every model with its price and default (AIGATE_PRICES included)', () =>
    withStation(
      async (station) => {
        const { prices } = json<{ prices: PriceJson[] }>(await call(station, 'GET', '/prices', { token: station.adminToken }));
        assert.equal(prices.length, station.config.models.size);
        assert.deepEqual(prices.find((p) => p.model === 'sd3-large'), { model: 'sd3-large', credits: '6.5', default_credits: '6.5', overridden: false, updated_at: null });
        assert.equal(prices.find((p) => p.model === 'sd3.5-flash')?.credits, '2');
      },
      { AIGATE_PRICES: '{"sd3.5-flash":"2"}' },
    ));

  it('a new price is charged exactly on the next generation; DELETE goes back to the default', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const { id, plaintext } = await station.key({ credits: '100' });
      assert.equal((await generate(station, plaintext)).statusCode, 200);
      assert.equal(await lastCharge(station, id), -6_500);

      const set = json<PriceJson>(await call(station, 'PUT', '/prices/sd3-large', admin, { credits: '7.125' }));
      assert.deepEqual([set.credits, set.default_credits, set.overridden], ['7.125', '6.5', true]);
      assert.equal((await generate(station, plaintext)).statusCode, 200);
      assert.equal(await lastCharge(station, id), -7_125);
      assert.equal((await station.store.keys.get(id))!.balance, 100_000 - 6_500 - 7_125);

      json(await call(station, 'PUT', '/prices/sd3-large', admin, { credits: '0.001' }));
      await generate(station, plaintext);
      assert.equal(await lastCharge(station, id), -1);

      const reset = json<PriceJson>(await call(station, 'DELETE', '/prices/sd3-large', admin));
      assert.deepEqual([reset.credits, reset.overridden], ['6.5', false]);
      await generate(station, plaintext);
      assert.equal(await lastCharge(station, id), -6_500);
      json(await call(station, 'DELETE', '/prices/sd3-large', admin));
    }));

  it('a price above the balance is refused with 402 at the new price', () =>
    withStation(async (station) => {
      const { plaintext } = await station.key({ credits: '10' });
      json(await call(station, 'PUT', '/prices/sd3-large', { token: station.adminToken }, { credits: '10.001' }));
      assertError(await generate(station, plaintext), 402, 'payment_required', /10\.001/);
    }));

  it('refuses unknown models, negative and inexact amounts', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      assertError(await call(station, 'PUT', '/prices/sd9', admin, { credits: '1' }), 404, 'not_found', /^model: /);
      assertError(await call(station, 'PUT', '/prices/sd3-large', admin, { credits: '-1' }), 400, 'bad_request', /^credits: must not be negative/);
      assertError(await call(station, 'PUT', '/prices/sd3-large', admin, { credits: '6.5555' }), 400, 'bad_request', /^credits: /);
      assertError(await call(station, 'PUT', '/prices/sd3-large', admin, {}), 400, 'bad_request', /^credits: /);
      assert.deepEqual(await station.store.prices.list(), []);
    }));
});

describe('admin API: banned words', () => {
  it('a banned word refuses the next generation with 403; removing it lets it through', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const { plaintext } = await station.key();
      assert.deepEqual(json(await call(station, 'POST', '/banned-words', admin, { word: '  Red   Cube ' }), 201), { word: 'red cube', added: true });
      assert.deepEqual(json(await call(station, 'POST', '/banned-words', admin, { word: 'red cube' })), { word: 'red cube', added: false });
      assert.deepEqual(json(await call(station, 'GET', '/banned-words', admin)), { words: ['red cube'] });
      assertError(await generate(station, plaintext, { prompt: 'a RED cube on a table' }), 403, 'content_moderation');
      assert.deepEqual(json(await call(station, 'DELETE', `/banned-words/${encodeURIComponent('Red Cube')}`, admin)), { word: 'red cube', removed: true });
      assert.equal((await generate(station, plaintext, { prompt: 'a RED cube on a table' })).statusCode, 200);
      assertError(await call(station, 'DELETE', '/banned-words/red%20cube', admin), 404, 'not_found');
      assertError(await call(station, 'POST', '/banned-words', admin, { word: '   ' }), 400, 'bad_request', /^word: must not be empty/);
    }));
});
