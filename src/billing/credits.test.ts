/** @module Credits as exact integers of milli-credits (spec §8): parsing, formatting, JSON numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { creditsNumber, formatCredits, MILLI_PER_CREDIT, parseCredits } from './credits.js';

describe('parseCredits / formatCredits', () => {
  const exact: [string, number][] = [
    ['6.5', 6_500],
    ['0.001', 1],
    ['100', 100_000],
    ['-2.125', -2_125],
    ['0', 0],
    ['4', 4_000],
    ['3.5', 3_500],
    ['0.125', 125],
    ['-0.5', -500],
    ['999999999999.999', 999_999_999_999_999],
  ];
  for (const [text, milli] of exact) {
    it(`"${text}" is ${milli} milli-credits and formats back to "${text}"`, () => {
      assert.equal(parseCredits(text), milli);
      assert.equal(formatCredits(milli), text);
      assert.equal(formatCredits(parseCredits(text)), text);
    });
  }

  it('accepts trailing zeros and surrounding spaces, and formats the shortest form', () => {
    assert.equal(parseCredits('6.50'), 6_500);
    assert.equal(parseCredits('6.500'), 6_500);
    assert.equal(parseCredits(' 12 '), 12_000);
    assert.equal(formatCredits(parseCredits('6.50')), '6.5');
    assert.equal(formatCredits(parseCredits('010')), '10');
  });

  it('accepts a JSON number with at most three decimals', () => {
    assert.equal(parseCredits(6.5), 6_500);
    assert.equal(parseCredits(2.125), 2_125);
    assert.equal(parseCredits(100), 100_000);
  });

  it('never drifts the way floats do: 0.1 + 0.2 in milli-credits is exactly 0.3', () => {
    assert.equal(formatCredits(parseCredits('0.1') + parseCredits('0.2')), '0.3');
    assert.equal(parseCredits('0.1') + parseCredits('0.2'), parseCredits('0.3'));
    assert.equal(formatCredits(parseCredits('6.5') * 3 + parseCredits('4')), '23.5');
  });

  for (const bad of ['1.0001', 'abc', '1e3', '', ' ', '1.', '.5', '+5', '--1', '1,5', '0x10', 'Infinity', 'NaN', '1 000', '1234567890123']) {
    it(`rejects ${JSON.stringify(bad)} with a RangeError`, () => {
      assert.throws(() => parseCredits(bad), RangeError);
    });
  }

  it('rejects numbers that are not exact to three decimals', () => {
    assert.throws(() => parseCredits(0.1 + 0.2), RangeError); // 0.30000000000000004
    assert.throws(() => parseCredits(1e21), RangeError);
    assert.throws(() => parseCredits(Number.NaN), RangeError);
  });

  it('formats integers of milli-credits exactly', () => {
    assert.equal(formatCredits(1), '0.001');
    assert.equal(formatCredits(10), '0.01');
    assert.equal(formatCredits(1_010), '1.01');
    assert.equal(formatCredits(-1), '-0.001');
    assert.equal(formatCredits(0), '0');
    assert.equal(MILLI_PER_CREDIT, 1000);
  });

  it('creditsNumber gives the JSON number Stability answers with', () => {
    assert.equal(creditsNumber(6_500), 6.5);
    assert.equal(creditsNumber(12_345), 12.345);
    assert.equal(creditsNumber(0), 0);
    assert.equal(JSON.stringify({ credits: creditsNumber(100_000) }), '{"credits":100}');
  });
});
