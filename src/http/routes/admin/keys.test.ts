/**
 * @module Keys and credits through the admin API, with their effects checked where they matter:
 * the store's rows and the public generate endpoint.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingProvider, routerFor } from '../../../../test/helpers/test-app.js';
import { adminStation, assertError, call, generate, json, operatorSession, type AdminStation } from './test-admin-kit.js';

async function withStation(run: (station: AdminStation) => Promise<void>) {
  const station = await adminStation({ router: routerFor(countingProvider()) });
  try {
    await run(station);
  } finally {
    await station.close();
  }
}

type KeyJson = { id: string; key?: string; display: string; balance: string; available: string; models: string[] | null; cap: string | null; rate_limit: string | null; expires_at: string | null; status: string };

describe('admin API: keys', () => {
  it('creates a key whose plaintext appears once and works on the generate endpoint', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const created = json<KeyJson>(await call(station, 'POST', '/keys', admin, { name: 'acme', credits: '20', rate_limit: '5/10s', cap: '50' }), 201);
      assert.match(created.key!, /^sk-/);
      assert.equal(created.display, `${created.key!.slice(0, 7)}...${created.key!.slice(-4)}`);
      assert.deepEqual([created.balance, created.cap, created.rate_limit, created.status], ['20', '50', '5/10s', 'active']);
      const stored = await station.store.keys.get(created.id);
      assert.deepEqual([stored!.balance, stored!.cap, stored!.rateLimit], [20_000, 50_000, { points: 5, windowSeconds: 10 }]);

      const listed = await call(station, 'GET', '/keys', admin);
      assert.ok(!listed.payload.includes(created.key!), 'the list never shows the plaintext');
      assert.ok(!JSON.parse(listed.payload).keys.some((k: KeyJson) => 'key' in k));
      assert.ok(!(await call(station, 'GET', `/keys/${created.id}`, admin)).payload.includes(created.key!));

      const generated = await generate(station, created.key!);
      assert.equal(generated.statusCode, 200, generated.payload.slice(0, 200));
      assert.equal(json<KeyJson>(await call(station, 'GET', `/keys/${created.id}`, admin)).balance, '13.5');
    }));

  it('edits models, expiry, cap and rate limit; the next request obeys them', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const { id, plaintext } = await station.key({ credits: '100' });
      const edited = json<KeyJson>(await call(station, 'PATCH', `/keys/${id}`, admin, { models: ['sd3-medium'], cap: '10', rate_limit: '100/1m' }));
      assert.deepEqual([edited.models, edited.cap, edited.rate_limit], [['sd3-medium'], '10', '100/60s']);
      assertError(await generate(station, plaintext), 403, 'permission_denied', /^model: /);
      assert.equal((await generate(station, plaintext, { model: 'sd3-medium' })).statusCode, 200);
      json(await call(station, 'PATCH', `/keys/${id}`, admin, { models: null, cap: '4' }));
      assertError(await generate(station, plaintext, { model: 'sd3-medium' }), 402, 'payment_required', /cap/);
      json(await call(station, 'PATCH', `/keys/${id}`, admin, { cap: null, expires_at: '2001-01-01T00:00:00Z' }));
      assertError(await generate(station, plaintext), 401, 'unauthorized');
      assert.equal(json<KeyJson>(await call(station, 'GET', `/keys/${id}`, admin)).status, 'expired');
      json(await call(station, 'PATCH', `/keys/${id}`, admin, { expires_at: null, name: 'renamed' }));
      assert.equal((await generate(station, plaintext)).statusCode, 200);
      assert.equal((await station.store.keys.get(id))!.name, 'renamed');
    }));

  it('revokes: the key stops working at once', () =>
    withStation(async (station) => {
      const { id, plaintext } = await station.key();
      const { session, csrf } = await operatorSession(station);
      assert.deepEqual(json(await call(station, 'DELETE', `/keys/${id}`, { session, csrf })), { id, revoked: true });
      assertError(await generate(station, plaintext), 401, 'unauthorized');
      assert.notEqual((await station.store.keys.get(id))!.revokedAt, null);
      assertError(await call(station, 'DELETE', '/keys/key_missing', { session, csrf }), 404, 'not_found', /^key: /);
    }));

  it('lists every failing field at once, named as sent', () =>
    withStation(async (station) => {
      const errors = assertError(
        await call(station, 'POST', '/keys', { token: station.adminToken }, { credits: '1.2345', rate_limit: 'lots', models: ['sd9'], expires_at: 'soon', cap: '-1', colour: 'red' }),
        400,
        'bad_request',
      );
      assert.deepEqual(errors.map((e) => e.split(':')[0]).sort(), ['cap', 'colour', 'credits', 'expires_at', 'models', 'rate_limit']);
      assert.equal((await station.store.keys.list()).length, 0, 'nothing was created');
      assertError(await call(station, 'PATCH', '/keys/key_missing', { token: station.adminToken }, { name: 'x' }), 404, 'not_found');
    }));
});

describe('admin API: credits', () => {
  it('a top-up writes a ledger row and raises the balance; the ledger reads as `aigate credits show`', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const { id } = await station.key({ credits: '10' });
      assert.deepEqual(json(await call(station, 'POST', `/keys/${id}/credits`, admin, { amount: '2.5', note: 'invoice 7' })), { key_id: id, added: '2.5', balance: '12.5' });
      const ledger = await station.store.credits.ledger(id);
      assert.deepEqual(ledger.map((e) => [e.kind, e.amount, e.balanceAfter, e.note]), [['grant', 10_000, 10_000, 'opening balance'], ['topup', 2_500, 12_500, 'invoice 7']]);

      json(await call(station, 'POST', `/keys/${id}/credits`, admin, { amount: -0.5 }));
      const shown = json<{ balance: string; available: string; ledger: { kind: string; amount: string; balance_after: string }[] }>(await call(station, 'GET', `/keys/${id}/credits`, admin));
      assert.equal(shown.balance, '12');
      assert.deepEqual(shown.ledger.map((e) => [e.kind, e.amount, e.balance_after]), [['adjust', '-0.5', '12'], ['topup', '2.5', '12.5'], ['grant', '10', '10']], 'newest first');
    }));

  it('pages the ledger newest first by cursor, and stays put while rows arrive', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const { id } = await station.key({ credits: '1' });
      for (let i = 2; i <= 5; i += 1) await station.store.credits.adjust(id, 1_000, 'topup', `n${i}`);
      type Page = { ledger: { note: string }[]; next_cursor: string | null; balance: string };
      const first = json<Page>(await call(station, 'GET', `/keys/${id}/credits?limit=2`, admin));
      assert.deepEqual(first.ledger.map((e) => e.note), ['n5', 'n4']);
      assert.equal(first.balance, '5');
      await station.store.credits.adjust(id, 1_000, 'topup', 'n6');
      const second = json<Page>(await call(station, 'GET', `/keys/${id}/credits?limit=2&cursor=${first.next_cursor}`, admin));
      assert.deepEqual(second.ledger.map((e) => e.note), ['n3', 'n2']);
      const last = json<Page>(await call(station, 'GET', `/keys/${id}/credits?limit=2&cursor=${second.next_cursor}`, admin));
      assert.deepEqual([last.ledger.map((e) => e.note), last.next_cursor], [['opening balance'], null]);
      assertError(await call(station, 'GET', `/keys/${id}/credits?limit=0&cursor=x`, admin), 400, 'bad_request', /^query\.cursor: |^cursor: /);
      assertError(await call(station, 'GET', `/keys/${id}/credits?page=2`, admin), 400, 'bad_request', /page/);
    }));

  it('applies a top-up with an Idempotency-Key once, however often it is retried', () =>
    withStation(async (station) => {
      const { id } = await station.key({ credits: '1' });
      const send = (amount: string, key = 'topup-7f3a') =>
        station.app.inject({
          method: 'POST',
          url: `/admin/api/keys/${id}/credits`,
          headers: { authorization: `Bearer ${station.adminToken}`, 'content-type': 'application/json', 'idempotency-key': key },
          payload: JSON.stringify({ amount, note: 'invoice 9' }),
        });
      const answers = await Promise.all([send('5'), send('5'), send('5')]);
      for (const res of answers) assert.deepEqual(json(res), { key_id: id, added: '5', balance: '6' });
      assert.equal(answers.filter((res) => res.headers['idempotent-replayed'] === 'true').length, 2, 'two of the three are replays');
      assertError(await send('6'), 409, 'conflict', /^idempotency-key: /);
      assertError(await send('5', 'has space'), 400, 'bad_request', /^idempotency-key: /);
      const ledger = await station.store.credits.ledger(id);
      assert.deepEqual(ledger.map((e) => [e.kind, e.amount]), [['grant', 1_000], ['topup', 5_000]]);
      assert.equal((await station.store.keys.get(id))!.balance, 6_000);
      // The same idempotency key on another API key is another change.
      const other = await station.key({ credits: '0' });
      const res = await station.app.inject({
        method: 'POST',
        url: `/admin/api/keys/${other.id}/credits`,
        headers: { authorization: `Bearer ${station.adminToken}`, 'content-type': 'application/json', 'idempotency-key': 'topup-7f3a' },
        payload: JSON.stringify({ amount: '5' }),
      });
      assert.deepEqual([json(res).balance, res.headers['idempotent-replayed']], ['5', undefined]);
    }));

  it('refuses zero, bad decimals and removing more than is available', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const { id } = await station.key({ credits: '1' });
      assertError(await call(station, 'POST', `/keys/${id}/credits`, admin, { amount: '0' }), 400, 'bad_request', /^amount: must not be zero/);
      assertError(await call(station, 'POST', `/keys/${id}/credits`, admin, { amount: '1e3' }), 400, 'bad_request', /^amount: /);
      assertError(await call(station, 'POST', `/keys/${id}/credits`, admin, { amount: '-2' }), 400, 'bad_request', /^amount: cannot remove 2 credits/);
      assertError(await call(station, 'POST', '/keys/key_missing/credits', admin, { amount: '1' }), 404, 'not_found');
      assert.equal((await station.store.credits.ledger(id)).length, 1);
    }));
});
