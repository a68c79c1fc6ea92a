/**
 * @module Reads a webui 200 answer (`{"images": [base64], "parameters": {...}, "info": "<JSON>"}`)
 * into a GenerationResult; anything that breaks that shape is 'broken', since by then the
 * server has generated and failing over would pay twice.
 */
import { inFormat } from '../convert.js';
import type { GenerationRequest, GenerationResult } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';

/** The station's seed range; the webui draws random seeds below 4294967294. */
const MAX_SEED = 4_294_967_294;

const broken = (why: string) => new UpstreamFailure('broken', `a1111 answered 200 but ${why}`, true);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const validSeed = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SEED ? value : undefined;

/**
 * The seed the server reports in `info` (a JSON string in the webui; an object in some forks),
 * or undefined when it reports none we can use.
 */
export function seedFromInfo(info: unknown): number | undefined {
  let parsed = info;
  if (typeof info === 'string') {
    try {
      parsed = JSON.parse(info);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(parsed)) return undefined;
  const allSeeds = Array.isArray(parsed.all_seeds) ? (parsed.all_seeds as unknown[]) : [];
  return validSeed(parsed.seed) ?? validSeed(allSeeds[0]);
}

/** Base64 as the webui sends it, tolerating a `data:image/...;base64,` prefix some forks add. */
function decodeImage(encoded: string): Buffer {
  const data = encoded.startsWith('data:') ? encoded.slice(encoded.indexOf(',') + 1) : encoded;
  if (!/^[A-Za-z0-9+/\r\n]+={0,2}\s*$/.test(data)) throw broken('its image is not base64');
  return Buffer.from(data, 'base64');
}

/** @throws UpstreamFailure('broken') when the body is not the webui's answer. */
export async function resultFrom(body: Buffer, request: GenerationRequest, sentSeed: number): Promise<GenerationResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw broken('its body is not JSON');
  }
  if (!isRecord(parsed)) throw broken('its body is not a JSON object');
  const { images } = parsed;
  // Extensions (ControlNet...) may append extra images; the generation is always the first.
  if (!Array.isArray(images) || typeof images[0] !== 'string' || images[0] === '') throw broken('with no image');
  // We always send a real seed, so it stands in when a fork leaves `info` out.
  const seed = seedFromInfo(parsed.info) ?? sentSeed;
  // The webui encodes in its samples_format setting (png by default): convert only when needed.
  const bytes = await inFormat(decodeImage(images[0]), request.outputFormat);
  return { bytes, format: request.outputFormat, seed, finishReason: 'SUCCESS' };
}
