/**
 * @module Channels through the admin API: what the CLI does, with credentials going in and only
 * their hint coming out, the service's validation as 400s naming this API's fields, and a test
 * generation through a channel.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCircuitBreakers, type CircuitBreakers } from '../../../channels/circuit-breaker.js';
import { memoryConcurrencyGate } from '../../../channels/concurrency-gate.js';
import { adminStation, assertError, call, generate, json, type AdminStation } from './test-admin-kit.js';

const SECRET = 'sk-upstream-secret-0123456789abcdef';

async function withStation(run: (station: AdminStation) => Promise<void>, options: Parameters<typeof adminStation>[0] = {}) {
  const station = await adminStation(options);
  try {
    await run(station);
  } finally {
    await station.close();
  }
}

type ChannelJson = { id: string; name: string; credentials: string | null; weight: number; enabled: boolean; disabled_reason: string | null; timeout_seconds: number; base_url: string };

describe('admin API: channels', () => {
  it('adds a channel: the credentials are sealed in the store and never echoed', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const res = await call(station, 'POST', '/channels', admin, { provider: 'stability', name: 'stab', base_url: 'http://127.0.0.1:9', credentials: SECRET, models: ['sd3-large'], timeout_seconds: 30, priority: 5 });
      const added = json<ChannelJson>(res, 201);
      assert.ok(!res.payload.includes(SECRET) && !res.payload.includes(SECRET.slice(4, -4)), res.payload);
      assert.notEqual(added.credentials, null);
      assert.equal(added.timeout_seconds, 30);
      const stored = await station.store.channels.find('stab');
      assert.ok(stored!.credentialsEnc && !stored!.credentialsEnc.includes(SECRET));
      assert.equal(station.secrets.open(stored!.credentialsEnc, stored!.id), SECRET);
      for (const url of ['/channels', `/channels/${added.id}`, '/channels/stab']) {
        const shown = await call(station, 'GET', url, admin);
        assert.equal(shown.statusCode, 200);
        assert.ok(!shown.payload.includes(SECRET), url);
      }
      const list = json<{ channels: ChannelJson[] }>(await call(station, 'GET', '/channels', admin));
      assert.deepEqual(list.channels.map((c) => c.name), ['stab', 'sandbox'], 'by priority, as the CLI lists them');
    }));

  it('updates, disables with a reason, enables and removes', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const updated = json<ChannelJson>(await call(station, 'PATCH', '/channels/sandbox', admin, { weight: 3, timeout_seconds: 90 }));
      assert.deepEqual([updated.weight, updated.timeout_seconds], [3, 90]);
      assert.equal((await station.store.channels.find('sandbox'))!.weight, 3);
      const disabled = json<ChannelJson>(await call(station, 'POST', '/channels/sandbox/disable', admin, { reason: 'maintenance' }));
      assert.deepEqual([disabled.enabled, disabled.disabled_reason], [false, 'maintenance']);
      assert.equal((await station.store.channels.find('sandbox'))!.enabled, false);
      assert.equal(json<ChannelJson>(await call(station, 'POST', '/channels/sandbox/enable', admin)).enabled, true);
      assert.deepEqual(json(await call(station, 'DELETE', '/channels/sandbox', admin)), { id: 'ch_sandbox', name: 'sandbox', removed: true });
      assert.equal(await station.store.channels.find('sandbox'), undefined);
      assertError(await call(station, 'GET', '/channels/sandbox', admin), 404, 'not_found', /^channel: /);
    }));

  it("refuses bad input with the API's field names", () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      assertError(await call(station, 'POST', '/channels', admin, { provider: 'stability', name: 'x', base_url: 'ftp://nowhere', credentials: SECRET }), 400, 'bad_request', /^base_url: /);
      assertError(await call(station, 'POST', '/channels', admin, { provider: 'stability', name: 'x' }), 400, 'bad_request', /^credentials: /);
      assertError(await call(station, 'POST', '/channels', admin, { provider: 'sandbox', name: 'sandbox' }), 400, 'bad_request', /^name: .*exists/);
      assertError(await call(station, 'PATCH', '/channels/sandbox', admin, { timeout_seconds: 601 }), 400, 'bad_request', /^timeout_seconds: /);
      const errors = assertError(await call(station, 'POST', '/channels', admin, { weight: 'heavy' }), 400, 'bad_request');
      assert.deepEqual(errors.map((e) => e.split(':')[0]).sort(), ['name', 'provider', 'weight']);
      assert.equal((await station.store.channels.list()).length, 1);
    }));

  it('tests a channel: one timed image from the sandbox; a dead upstream reports ok false', () =>
    withStation(async (station) => {
      const admin = { token: station.adminToken };
      const ok = json<{ ok: boolean; model: string; latency_ms: number; bytes: number; format: string }>(await call(station, 'POST', '/channels/sandbox/test', admin, { model: 'sd3-medium' }));
      assert.deepEqual([ok.ok, ok.model, ok.format], [true, 'sd3-medium', 'jpeg']);
      assert.ok(ok.bytes > 0 && ok.latency_ms >= 0);
      json(await call(station, 'POST', '/channels', admin, { provider: 'stability', name: 'dead', base_url: 'http://127.0.0.1:9', credentials: SECRET, timeout_seconds: 5 }), 201);
      const failed = json<{ ok: boolean; error: string }>(await call(station, 'POST', '/channels/dead/test', admin));
      assert.equal(failed.ok, false);
      assert.match(failed.error, /\S/);
      assertError(await call(station, 'POST', '/channels/sandbox/test', admin, { model: 'sd9' }), 400, 'bad_request', /^model: /);
    }));

  it("shows each channel's live circuit state and calls in flight, as the router sees them", async () => {
    const breakers = memoryCircuitBreakers({ failures: 1, cooldownMs: 60_000 });
    const gate = memoryConcurrencyGate();
    await withStation(
      async (station) => {
        const admin = { token: station.adminToken };
        json(await call(station, 'POST', '/channels', admin, { provider: 'stability', name: 'dead', base_url: 'http://127.0.0.1:9', credentials: SECRET, priority: 9, timeout_seconds: 5 }), 201);
        const health = async () => Object.fromEntries(json<{ channels: (ChannelJson & { circuit: string; in_flight: number })[] }>(await call(station, 'GET', '/channels', admin)).channels.map((c) => [c.name, [c.circuit, c.in_flight]]));
        assert.deepEqual(await health(), { dead: ['closed', 0], sandbox: ['closed', 0] });
        const { plaintext } = await station.key();
        // The dead channel refuses the connection; the request fails over to the sandbox.
        assert.equal((await generate(station, plaintext)).statusCode, 200);
        await gate.tryAcquire('ch_sandbox', null);
        assert.deepEqual(await health(), { dead: ['open', 0], sandbox: ['closed', 1] });
        const one = json<{ circuit: string; in_flight: number }>(await call(station, 'GET', '/channels/dead', admin));
        assert.deepEqual([one.circuit, one.in_flight], ['open', 0]);
      },
      { breakers, gate },
    );
  });

  it('lists the channels with a null circuit when its state cannot be read', async () => {
    const unreadable: CircuitBreakers = { ...memoryCircuitBreakers({ failures: 1, cooldownMs: 1 }), state: () => Promise.reject(new Error('redis down')) };
    await withStation(
      async (station) => {
        const [sandbox] = json<{ channels: { name: string; circuit: string | null; in_flight: number }[] }>(await call(station, 'GET', '/channels', { token: station.adminToken })).channels;
        assert.deepEqual([sandbox!.name, sandbox!.circuit, sandbox!.in_flight], ['sandbox', null, 0]);
      },
      { breakers: unreadable },
    );
  });
});
