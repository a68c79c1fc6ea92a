/**
 * @module The ledger through the whole station (spec §7, §8): hold on admission, capture only for a
 * 200, release on every other outcome, never below zero under concurrency, one usage row per
 * request. Drives the built app with inject(), and a real socket for the client that hangs up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../errors.js';
import type { Store, UsageRow } from '../store/store.js';
import { countingProvider, routerFor, testStation, type TestStation } from '../../test/helpers/test-app.js';
import { hangUpDuringGeneration } from '../../test/helpers/hang-up.js';
import { multipart } from '../../test/helpers/multipart.js';

const SD3 = '/v2beta/stable-image/generate/sd3';
const PRICE = 6_500; // sd3-large, the endpoint's default model
const ROOMY_LIMITS = { AIGATE_IP_RATE_LIMIT: '10000/10s' };

/**
 * Observes usage-log inserts (written after the response, so a test cannot read them right after
 * inject resolves). The app calls `store.usage.insert` at request time, so wrapping it suffices.
 */
function watchUsage(store: Store) {
  const rows = new Map<string, UsageRow>();
  const waiters = new Map<string, (row: UsageRow) => void>();
  const insert = store.usage.insert.bind(store.usage);
  store.usage.insert = async (row) => {
    await insert(row);
    rows.set(row.requestId, row);
    waiters.get(row.requestId)?.(row);
  };
  return {
    /** Resolves with the request's row once written; fails after `ms` if it never is. */
    row(requestId: string, ms = 5_000): Promise<UsageRow> {
      const written = rows.get(requestId);
      if (written) return Promise.resolve(written);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no usage-log row was written for request ${requestId} within ${ms} ms`)), ms);
        waiters.set(requestId, (row) => {
          clearTimeout(timer);
          resolve(row);
        });
      });
    },
  };
}

function post(station: TestStation, plaintext: string, fields: Record<string, string> = { prompt: 'a lighthouse' }) {
  const form = multipart(fields);
  return station.app.inject({
    method: 'POST',
    url: SD3,
    headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType },
    payload: form.body,
  });
}

async function ledgerState(store: Store, keyId: string) {
  const key = await store.keys.get(keyId);
  assert.ok(key);
  const ledger = await store.credits.ledger(keyId);
  return {
    balance: key.balance,
    held: key.held,
    spent: key.spent,
    ledgerSum: ledger.reduce((sum, e) => sum + e.amount, 0),
    charges: ledger.filter((e) => e.kind === 'charge'),
    openHolds: await store.credits.openHolds(keyId),
  };
}

/**
 * Runs one request over a real socket whose client aborts once the provider has started, and
 * returns when the generation has settled its hold (observed through `onSettled`, not by time).
 * The provider never answers on its own: it rejects with the signal's reason when the signal aborts.
 */
async function clientHangsUp() {
  let started!: () => void;
  const providerStarted = new Promise<void>((resolve) => (started = resolve));
  const provider = countingProvider(
    (_request, ctx) =>
      new Promise((_resolve, reject) => {
        started();
        if (ctx.signal.aborted) reject(ctx.signal.reason);
        else ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
  );
  let settled!: (event: { requestId: string; captured: boolean }) => void;
  const holdSettled = new Promise<{ requestId: string; captured: boolean }>((resolve) => (settled = resolve));
  const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS, onSettled: (event) => settled(event) });
  const usage = watchUsage(station.store);
  try {
    const { id, plaintext } = await station.key({ credits: '100' });
    assert.equal(await hangUpDuringGeneration(station, plaintext, providerStarted), 'AbortError');
    const event = await holdSettled;
    return { station, usage, keyId: id, event, providerCalls: provider.calls.length };
  } catch (error) {
    await station.close();
    throw error;
  }
}

describe('generateImage through the station: the ledger', () => {
  it('200 concurrent requests on a key that affords 50: exactly 50 images, 150 x 402, balance 0', async () => {
    const provider = countingProvider();
    const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS });
    try {
      const { id, plaintext } = await station.key({ credits: '325', rateLimit: { points: 1000, windowSeconds: 10 } });
      const responses = await Promise.all(Array.from({ length: 200 }, () => post(station, plaintext)));

      const byStatus = new Map<number, number>();
      for (const r of responses) byStatus.set(r.statusCode, (byStatus.get(r.statusCode) ?? 0) + 1);
      assert.deepEqual(Object.fromEntries(byStatus), { 200: 50, 402: 150 });
      for (const r of responses.filter((r) => r.statusCode === 402)) {
        const body = r.json() as { id: string; name: string; errors: string[] };
        assert.equal(body.name, 'payment_required');
        assert.equal(body.id, r.headers['x-request-id']);
        assert.ok(body.errors.length > 0);
      }
      for (const r of responses.filter((r) => r.statusCode === 200)) assert.equal(r.headers['content-type'], 'image/png');

      const state = await ledgerState(station.store, id);
      assert.equal(state.balance, 0);
      assert.equal(state.ledgerSum, state.balance);
      assert.equal(state.held, 0);
      assert.equal(state.spent, 50 * PRICE);
      assert.equal(state.charges.length, 50);
      assert.ok(state.charges.every((c) => c.amount === -PRICE));
      // Each charge names the request it paid for, and each 200 was paid for exactly once.
      const okIds = responses.filter((r) => r.statusCode === 200).map((r) => String(r.headers['x-request-id']));
      assert.deepEqual(state.charges.map((c) => c.ref).sort(), okIds.sort());
      assert.equal(state.openHolds, 0);
      assert.equal(provider.calls.length, 50);
    } finally {
      await station.close();
    }
  });

  it('a provider that throws: 502 upstream_error, nothing charged, the hold released', async () => {
    const provider = countingProvider(async () => {
      throw new Error('socket hang up at 10.1.2.3:443 with secret token');
    });
    const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS });
    const usage = watchUsage(station.store);
    try {
      const { id, plaintext } = await station.key({ credits: '100' });
      const response = await post(station, plaintext);
      assert.equal(response.statusCode, 502);
      const body = response.json() as { name: string; errors: string[] };
      assert.equal(body.name, 'upstream_error');
      assert.doesNotMatch(response.body, /hang up|secret|10\.1\.2\.3/);
      assert.equal(provider.calls.length, 1);

      const state = await ledgerState(station.store, id);
      assert.equal(state.balance, 100_000);
      assert.equal(state.held, 0);
      assert.equal(state.spent, 0);
      assert.equal(state.charges.length, 0);
      assert.equal(state.openHolds, 0);
      assert.equal(state.ledgerSum, state.balance);

      const row = await usage.row(String(response.headers['x-request-id']));
      assert.equal(row.status, 502);
      assert.equal(row.errorName, 'upstream_error');
      assert.equal(row.credits, 0);
    } finally {
      await station.close();
    }
  });

  it('a provider that throws a catalogue error: its status passes through, nothing charged', async () => {
    const provider = countingProvider(async () => {
      throw new GatewayError('invalid_language', ['prompt: English only']);
    });
    const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS });
    try {
      const { id, plaintext } = await station.key({ credits: '100' });
      const response = await post(station, plaintext);
      assert.equal(response.statusCode, 422);
      const body = response.json() as { id: string; name: string; errors: string[] };
      assert.equal(body.name, 'invalid_language');
      assert.deepEqual(body.errors, ['prompt: English only']);

      const state = await ledgerState(station.store, id);
      assert.equal(state.balance, 100_000);
      assert.equal(state.held, 0);
      assert.equal(state.charges.length, 0);
      assert.equal(state.openHolds, 0);
    } finally {
      await station.close();
    }
  });

  it('a client that hangs up before the image is ready is not charged and leaves no hold', async () => {
    const { station, keyId, event, providerCalls } = await clientHangsUp();
    try {
      assert.equal(event.captured, false);
      assert.equal(providerCalls, 1);
      const state = await ledgerState(station.store, keyId);
      assert.equal(state.balance, 100_000);
      assert.equal(state.held, 0);
      assert.equal(state.spent, 0);
      assert.equal(state.charges.length, 0);
      assert.equal(state.openHolds, 0);
      assert.equal(state.ledgerSum, state.balance);
    } finally {
      await station.close();
    }
  });

  it('a client that hangs up before the image is ready still gets its usage-log row', async () => {
    const { station, keyId, event, usage } = await clientHangsUp();
    try {
      const row = await usage.row(event.requestId, 2_000);
      assert.equal(row.keyId, keyId);
      assert.equal(row.endpoint, 'sd3');
      assert.equal(row.credits, 0);
      assert.equal(row.status, 499);
      assert.equal(row.errorName, 'client_closed_request');
      const rows = await station.store.usage.query({ limit: 10 });
      assert.equal(rows.filter((r) => r.requestId === event.requestId).length, 1, 'exactly one row per request');
    } finally {
      await station.close();
    }
  });

  it('writes a usage row for a 200 (price in milli-credits) and for a 402 (0, payment_required)', async () => {
    const provider = countingProvider();
    const station = await testStation({ router: routerFor(provider, 'channel-a'), env: ROOMY_LIMITS });
    const usage = watchUsage(station.store);
    try {
      const { id, plaintext } = await station.key({ credits: '10' });
      const ok = await post(station, plaintext);
      assert.equal(ok.statusCode, 200);
      const okRow = await usage.row(String(ok.headers['x-request-id']));
      assert.equal(okRow.keyId, id);
      assert.equal(okRow.endpoint, 'sd3');
      assert.equal(okRow.model, 'sd3-large');
      assert.equal(okRow.status, 200);
      assert.equal(okRow.errorName, null);
      assert.equal(okRow.channel, 'channel-a');
      assert.equal(okRow.credits, PRICE);

      // 3.5 credits left: another sd3-large is refused.
      const refused = await post(station, plaintext);
      assert.equal(refused.statusCode, 402);
      const refusedRow = await usage.row(String(refused.headers['x-request-id']));
      assert.equal(refusedRow.keyId, id);
      assert.equal(refusedRow.endpoint, 'sd3');
      assert.equal(refusedRow.status, 402);
      assert.equal(refusedRow.credits, 0);
      assert.equal(refusedRow.errorName, 'payment_required');
      assert.equal(provider.calls.length, 1);

      const rows = await station.store.usage.query({ keyId: id, limit: 10 });
      assert.deepEqual(
        rows.map((r) => [r.status, r.credits]),
        [
          [402, 0],
          [200, PRICE],
        ],
      );
      assert.equal((await station.store.keys.get(id))?.balance, 10_000 - PRICE);
    } finally {
      await station.close();
    }
  });
});

describe('moderation screens what the client sent', () => {
  it('refuses a banned word in a negative prompt even when the model ignores negative prompts', async () => {
    const provider = countingProvider();
    const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS });
    try {
      await station.store.bannedWords.add('forbidden');
      const { id, plaintext } = await station.key({ credits: '10' });
      const form = multipart({ prompt: 'a calm lake', negative_prompt: 'FORBIDDEN things', model: 'sd3-large-turbo' });
      const response = await station.app.inject({
        method: 'POST',
        url: '/v2beta/stable-image/generate/sd3',
        headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType },
        payload: form.body,
      });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().name, 'content_moderation');
      assert.equal(provider.calls.length, 0);
      const key = await station.store.keys.get(id);
      assert.deepEqual([key?.balance, key?.held], [10_000, 0]);
    } finally {
      await station.close();
    }
  });
});

describe('a generation that outlives its hold', () => {
  it('is not delivered once a sweep reclaimed the hold: 500, nothing charged, the credit back', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const provider = countingProvider(async (request) => {
      started();
      await gate;
      return { bytes: Buffer.from('png'), format: 'png', seed: request.seed || 9, finishReason: 'SUCCESS' };
    });
    const station = await testStation({ router: routerFor(provider), env: ROOMY_LIMITS });
    try {
      const { id, plaintext } = await station.key({ credits: '10' });
      const form = multipart({ prompt: 'slow' });
      const pending = station.app.inject({ method: 'POST', url: '/v2beta/stable-image/generate/sd3', headers: { authorization: `Bearer ${plaintext}`, 'content-type': form.contentType }, payload: form.body });
      await running;
      assert.equal(await station.store.credits.releaseExpired(Date.now() + 24 * 3600_000), 1, 'the sweep takes the hold back');
      finish();
      const response = await pending;
      assert.equal(response.statusCode, 500);
      assert.equal(response.json().name, 'internal_error');
      const key = (await station.store.keys.get(id))!;
      assert.deepEqual([key.balance, key.held, key.spent], [10_000, 0, 0]);
      assert.equal((await station.store.credits.ledger(id)).filter((e) => e.kind === 'charge').length, 0);
    } finally {
      await station.close();
    }
  });
});
