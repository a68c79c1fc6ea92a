/**
 * @module Pixel doubling for the sandbox: its picture (soft gradients and discs) is drawn at half
 * size and each pixel becomes a 2x2 block. That quarters the drawing, and the repeated rows and
 * pixels cost deflate almost nothing, so a 1 MP PNG takes about half as long (decision 98). The
 * label is drawn after, at full size, so it stays sharp.
 */

/** The half size a picture of `length` pixels is drawn at. */
export const halved = (length: number) => Math.ceil(length / 2);

/** RGB `source` (halved(width) x halved(height)) as width x height, each pixel a 2x2 block (an odd edge keeps one row or column of it). */
export function doubled(source: Uint8Array, width: number, height: number): Buffer {
  const sourceWidth = halved(width);
  if (source.length !== sourceWidth * halved(height) * 3) throw new Error('sandbox: the half-size picture has the wrong size');
  const out = Buffer.allocUnsafe(width * height * 3);
  const row = width * 3;
  for (let y = 0; y < height; y += 2) {
    let o = y * row;
    let i = (y >> 1) * sourceWidth * 3;
    for (let x = 0; x < width; x += 2, i += 3) {
      const r = source[i]!;
      const g = source[i + 1]!;
      const b = source[i + 2]!;
      out[o++] = r;
      out[o++] = g;
      out[o++] = b;
      if (x + 1 === width) break;
      out[o++] = r;
      out[o++] = g;
      out[o++] = b;
    }
    if (y + 1 < height) out.copy(out, (y + 1) * row, y * row, (y + 1) * row);
  }
  return out;
}
