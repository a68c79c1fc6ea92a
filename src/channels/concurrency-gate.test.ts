/** @module Per-channel concurrency caps: a full channel refuses, a release frees a slot. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryConcurrencyGate } from './concurrency-gate.js';

describe('memoryConcurrencyGate', () => {
  it('admits up to the cap and refuses the next', async () => {
    const gate = memoryConcurrencyGate();
    assert.equal(await gate.tryAcquire('a', 2), true);
    assert.equal(await gate.tryAcquire('a', 2), true);
    assert.equal(await gate.inFlight('a'), 2);
    assert.equal(await gate.tryAcquire('a', 2), false);
    assert.equal(await gate.inFlight('a'), 2, 'a refusal takes no slot');
  });

  it('frees a slot on release', async () => {
    const gate = memoryConcurrencyGate();
    assert.equal(await gate.tryAcquire('a', 1), true);
    assert.equal(await gate.tryAcquire('a', 1), false);
    await gate.release('a');
    assert.equal(await gate.inFlight('a'), 0);
    assert.equal(await gate.tryAcquire('a', 1), true);
    assert.equal(await gate.tryAcquire('a', 1), false);
  });

  it('never counts below zero on an extra release', async () => {
    const gate = memoryConcurrencyGate();
    await gate.release('a');
    assert.equal(await gate.inFlight('a'), 0);
    assert.equal(await gate.tryAcquire('a', 1), true);
    assert.equal(await gate.tryAcquire('a', 1), false, 'the extra release did not add a slot');
  });

  it('admits everything when the limit is null, and still counts', async () => {
    const gate = memoryConcurrencyGate();
    for (let i = 0; i < 1000; i += 1) assert.equal(await gate.tryAcquire('a', null), true);
    assert.equal(await gate.inFlight('a'), 1000);
  });

  it('keeps channels independent', async () => {
    const gate = memoryConcurrencyGate();
    assert.equal(await gate.tryAcquire('a', 1), true);
    assert.equal(await gate.tryAcquire('a', 1), false);
    assert.equal(await gate.tryAcquire('b', 1), true, "a full a does not block b");
    assert.equal(await gate.inFlight('a'), 1);
    assert.equal(await gate.inFlight('b'), 1);
    await gate.release('b');
    assert.equal(await gate.tryAcquire('a', 1), false, "b's release frees nothing on a");
    assert.equal(await gate.inFlight('a'), 1);
  });

  it('checks against the limit given on each call', async () => {
    const gate = memoryConcurrencyGate();
    assert.equal(await gate.tryAcquire('a', 3), true);
    assert.equal(await gate.tryAcquire('a', 3), true);
    assert.equal(await gate.tryAcquire('a', 2), false, 'lowered to 2 while 2 are in flight');
    assert.equal(await gate.tryAcquire('a', 3), true);
  });
});
