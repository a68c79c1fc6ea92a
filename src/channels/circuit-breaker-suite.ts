/**
 * @module The circuit-breaker contract as a suite, run on every implementation (memory in
 * circuit-breaker.test.ts, Redis in redis-circuit-breaker.test.ts) with an injected clock: N
 * consecutive failures open it, the cool-down lets one probe through, the probe's outcome closes
 * or re-opens it. Not a `.test.ts` file: the runner picks up only the files that call it.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { CircuitBreakers } from './circuit-breaker.js';

export const FAILURES = 3;
export const COOLDOWN = 30_000;

export type MakeBreakers = (options: { failures: number; cooldownMs: number; now?: () => number }) => CircuitBreakers;

/** `make` must return breakers with no state on every call. */
export function runCircuitBreakerSuite(name: string, make: MakeBreakers): void {
  describe(name, () => {
    let clock: number;
    let breakers: CircuitBreakers;

    beforeEach(() => {
      clock = 1_000_000;
      breakers = make({ failures: FAILURES, cooldownMs: COOLDOWN, now: () => clock });
    });

    const fail = async (id: string, times: number) => {
      for (let i = 0; i < times; i += 1) await breakers.failure(id);
    };

    /** Drives a channel to an open circuit. */
    const open = async (id: string) => {
      await fail(id, FAILURES);
      assert.equal(await breakers.state(id), 'open');
    };

    it('starts closed and allows calls', async () => {
      assert.equal(await breakers.state('a'), 'closed');
      assert.equal(await breakers.allow('a'), true);
      assert.equal(await breakers.allow('a'), true, 'a closed circuit lets every call through');
    });

    it('stays closed below N consecutive failures and opens at N', async () => {
      await fail('a', FAILURES - 1);
      assert.equal(await breakers.state('a'), 'closed');
      assert.equal(await breakers.allow('a'), true);
      await breakers.failure('a');
      assert.equal(await breakers.state('a'), 'open');
      assert.equal(await breakers.allow('a'), false);
    });

    it('counts only consecutive failures: a success in between resets the count', async () => {
      await fail('a', FAILURES - 1);
      await breakers.success('a');
      await fail('a', FAILURES - 1);
      assert.equal(await breakers.state('a'), 'closed');
      assert.equal(await breakers.allow('a'), true);
      await breakers.failure('a');
      assert.equal(await breakers.state('a'), 'open');
    });

    it('refuses calls until the cool-down has passed', async () => {
      await open('a');
      clock += COOLDOWN - 1;
      assert.equal(await breakers.allow('a'), false);
      assert.equal(await breakers.state('a'), 'open');
      clock += 1;
      assert.equal(await breakers.state('a'), 'half_open', 'cooled down: the next call is a probe');
    });

    it('lets exactly one probe through after the cool-down', async () => {
      await open('a');
      clock += COOLDOWN;
      assert.equal(await breakers.allow('a'), true);
      assert.equal(await breakers.state('a'), 'half_open');
      assert.equal(await breakers.allow('a'), false, 'a second call while the probe runs is refused');
      clock += 10 * COOLDOWN;
      assert.equal(await breakers.allow('a'), false, 'however long the probe takes');
    });

    it('closes when the probe succeeds', async () => {
      await open('a');
      clock += COOLDOWN;
      assert.equal(await breakers.allow('a'), true);
      await breakers.success('a');
      assert.equal(await breakers.state('a'), 'closed');
      assert.equal(await breakers.allow('a'), true);
      assert.equal(await breakers.allow('a'), true);
      await fail('a', FAILURES - 1);
      assert.equal(await breakers.state('a'), 'closed', 'the failure count starts again from zero');
    });

    it('re-opens for another full cool-down when the probe fails', async () => {
      await open('a');
      clock += COOLDOWN;
      assert.equal(await breakers.allow('a'), true);
      await breakers.failure('a');
      assert.equal(await breakers.state('a'), 'open');
      assert.equal(await breakers.allow('a'), false);
      clock += COOLDOWN - 1;
      assert.equal(await breakers.allow('a'), false, 'the cool-down restarted at the probe failure');
      clock += 1;
      assert.equal(await breakers.allow('a'), true, 'then one more probe');
      assert.equal(await breakers.allow('a'), false);
    });

    it('frees the probe when it is abandoned, without closing or re-opening', async () => {
      await open('a');
      clock += COOLDOWN;
      assert.equal(await breakers.allow('a'), true);
      await breakers.abandon('a');
      assert.equal(await breakers.state('a'), 'half_open');
      assert.equal(await breakers.allow('a'), true, 'another probe may go');
      assert.equal(await breakers.allow('a'), false, 'but still only one at a time');
    });

    it('abandoning a call on a closed circuit changes nothing', async () => {
      await fail('a', FAILURES - 1);
      await breakers.abandon('a');
      assert.equal(await breakers.state('a'), 'closed');
      await breakers.failure('a');
      assert.equal(await breakers.state('a'), 'open', 'the failures before the abandoned call still count');
    });

    it('keeps one circuit per channel', async () => {
      await open('a');
      assert.equal(await breakers.state('b'), 'closed');
      assert.equal(await breakers.allow('b'), true);
      await fail('b', FAILURES - 1);
      assert.equal(await breakers.state('b'), 'closed');
      clock += COOLDOWN;
      assert.equal(await breakers.allow('a'), true);
      assert.equal(await breakers.allow('b'), true, "a's probe does not limit b");
      assert.equal(await breakers.allow('b'), true);
    });

    it('uses a real clock when none is given', async () => {
      const real = make({ failures: 1, cooldownMs: 60_000 });
      await real.failure('a');
      assert.equal(await real.state('a'), 'open');
      assert.equal(await real.allow('a'), false);
    });
  });
}
