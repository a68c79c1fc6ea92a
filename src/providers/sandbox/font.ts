/** @module A tiny 5x7 bitmap font, just enough to stamp "AIGATE SANDBOX" on every sandbox image. */

export const LABEL = 'AIGATE SANDBOX';

const GLYPH_WIDTH = 5;
const GLYPH_HEIGHT = 7;

// Only the letters the label needs; anything else renders as a blank cell.
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  B: ['####.', '#...#', '#...#', '####.', '#...#', '#...#', '####.'],
  D: ['####.', '#...#', '#...#', '#...#', '#...#', '#...#', '####.'],
  E: ['#####', '#....', '#....', '####.', '#....', '#....', '#####'],
  G: ['.###.', '#...#', '#....', '#.###', '#...#', '#...#', '.###.'],
  I: ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  N: ['#...#', '##..#', '#.#.#', '#..##', '#...#', '#...#', '#...#'],
  O: ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  S: ['.####', '#....', '#....', '.###.', '....#', '....#', '####.'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  X: ['#...#', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '#...#'],
};

export interface LabelOptions {
  /** Size of one font pixel in image pixels. */
  scale?: number;
  /** Gap between the strip and the image edge, in image pixels. */
  margin?: number;
}

/**
 * Draws `text` in white on a darkened strip in the bottom-left corner of an RGB buffer.
 * The strip is darkened rather than filled so the picture still shows through, while the
 * white text keeps enough contrast on any palette.
 */
export function drawLabel(pixels: Uint8Array, width: number, height: number, text = LABEL, options: LabelOptions = {}): void {
  const margin = options.margin ?? 12;
  const columns = text.length * (GLYPH_WIDTH + 1) - 1;
  const padding = 2; // font pixels of strip around the text
  const fits = Math.floor((width - 2 * margin) / (columns + 2 * padding));
  const scale = Math.min(options.scale ?? 3, fits, Math.floor((height - 2 * margin) / (GLYPH_HEIGHT + 2 * padding)));
  if (scale < 1) return; // too small to be legible; only the metadata labels it then
  const stripWidth = (columns + 2 * padding) * scale;
  const stripHeight = (GLYPH_HEIGHT + 2 * padding) * scale;
  const left = margin;
  const top = height - margin - stripHeight;

  for (let y = top; y < top + stripHeight; y++) {
    let i = (y * width + left) * 3;
    for (let x = 0; x < stripWidth * 3; x++, i++) pixels[i] = (pixels[i]! * 0.25) | 0;
  }

  const textLeft = left + padding * scale;
  const textTop = top + padding * scale;
  for (let c = 0; c < text.length; c++) {
    const glyph = GLYPHS[text[c]!];
    if (glyph === undefined) continue;
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      const row = glyph[gy]!;
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (row[gx] !== '#') continue;
        fillWhite(pixels, width, textLeft + (c * (GLYPH_WIDTH + 1) + gx) * scale, textTop + gy * scale, scale);
      }
    }
  }
}

function fillWhite(pixels: Uint8Array, width: number, x0: number, y0: number, size: number): void {
  for (let y = y0; y < y0 + size; y++) {
    pixels.fill(255, (y * width + x0) * 3, (y * width + x0 + size) * 3);
  }
}
