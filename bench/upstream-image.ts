/**
 * @module The fake upstream's one picture: a 1024x1024 RGB PNG of about 1.4 MB, the size of a
 * real SD3 picture (smooth shapes compress to almost nothing, so a gradient is overlaid with
 * noise, whose amplitude is searched until the PNG lands near the target size). Built once per
 * run by the orchestrator and handed to the upstreams as a file, so answering costs no encoding.
 */
import sharp from 'sharp';

export const IMAGE_SIDE = 1024;
export const TARGET_PNG_BYTES = 1_400_000;

/** A deterministic xorshift32 stream, so every run serves the same picture. */
function noise(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function pixels(amplitude: number): Buffer {
  const side = IMAGE_SIDE;
  const raw = Buffer.alloc(side * side * 3);
  const rand = noise(20240601);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y * side + x) * 3;
      // A dusk sky over a darker sea: smooth, like most of a generated picture.
      const sky = y < side * 0.6;
      const base = sky ? [40 + (y / side) * 180, 60 + (x / side) * 60, 140 - (y / side) * 60] : [20, 40 + (x / side) * 30, 70];
      for (let c = 0; c < 3; c++) raw[i + c] = Math.max(0, Math.min(255, Math.round(base[c]! + (rand() - 0.5) * amplitude)));
    }
  }
  return raw;
}

const encode = (raw: Buffer) => sharp(raw, { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 3 } }).png().toBuffer();

/** Bisects the noise amplitude until the PNG is within 3% of `target` bytes (a few encodes). */
export async function buildUpstreamPng(target = TARGET_PNG_BYTES): Promise<Buffer> {
  let [low, high] = [0, 64];
  let png = await encode(pixels(high / 2));
  for (let step = 0; step < 8 && Math.abs(png.length - target) > target * 0.03; step++) {
    const mid = (low + high) / 2;
    if (png.length > target) high = mid;
    else low = mid;
    png = await encode(pixels((low + high) / 2));
  }
  return png;
}
