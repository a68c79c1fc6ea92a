/** @module The "points per window" notation (spec §9): `150/10s`, `5/1m`, `60/h`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRate, parseRate } from './rate.js';

describe('parseRate', () => {
  const valid: [string, { points: number; windowSeconds: number }][] = [
    ['150/10s', { points: 150, windowSeconds: 10 }],
    ['5/1m', { points: 5, windowSeconds: 60 }],
    ['60/h', { points: 60, windowSeconds: 3_600 }], // a missing count means one unit
    ['60/1h', { points: 60, windowSeconds: 3_600 }],
    ['1/s', { points: 1, windowSeconds: 1 }],
    ['600/10s', { points: 600, windowSeconds: 10 }],
    [' 10 / 2m ', { points: 10, windowSeconds: 120 }],
  ];
  for (const [text, rate] of valid) {
    it(`reads ${JSON.stringify(text)}`, () => assert.deepEqual(parseRate(text), rate));
  }

  const invalid = ['0/10s', '5/0s', 'abc', '', '150', '150/10', '150/10d', '-1/10s', '1.5/10s', '10s/150', '150/10 s s'];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)} with a RangeError naming the input`, () => {
      assert.throws(
        () => parseRate(text),
        (error: unknown) => error instanceof RangeError && error.message.includes(`"${text}"`),
      );
    });
  }

  it('formats in seconds, which parses back to the same rate', () => {
    for (const [text] of valid) {
      const rate = parseRate(text);
      assert.deepEqual(parseRate(formatRate(rate)), rate);
    }
    assert.equal(formatRate(parseRate('5/1m')), '5/60s');
  });
});

describe('parseRate bounds', () => {
  it('refuses windows a timer cannot hold and counts a 32-bit column cannot store', () => {
    assert.throws(() => parseRate('1/720h'), /out of range/);
    assert.throws(() => parseRate('99999999999999999999999/1s'), /out of range/);
    assert.deepEqual(parseRate('1000000000/168h'), { points: 1_000_000_000, windowSeconds: 604_800 });
  });
});
