import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doubled, halved } from './double.js';

describe('doubled', () => {
  it('turns each pixel into a 2x2 block', () => {
    const source = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 2x2
    const out = doubled(source, 4, 4);
    const px = (x: number, y: number) => [...out.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    assert.deepEqual([px(0, 0), px(1, 1), px(2, 0), px(3, 1), px(0, 2), px(1, 3), px(3, 3)], [[1, 2, 3], [1, 2, 3], [4, 5, 6], [4, 5, 6], [7, 8, 9], [7, 8, 9], [10, 11, 12]]);
  });

  it('keeps one row and column of the last blocks when a side is odd', () => {
    const source = Uint8Array.from({ length: halved(3) * halved(3) * 3 }, (_, i) => i);
    const out = doubled(source, 3, 3);
    assert.equal(out.length, 27);
    assert.deepEqual([...out.subarray(6, 9)], [3, 4, 5], 'the third pixel of the first row is the second source pixel');
    assert.deepEqual([...out.subarray(24, 27)], [9, 10, 11], 'the last pixel is the last source pixel');
  });

  it('refuses a source of the wrong size', () => {
    assert.throws(() => doubled(new Uint8Array(5), 4, 4), /wrong size/);
  });
});
