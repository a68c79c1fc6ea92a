/**
 * @module Maps a GenerationRequest onto the `input` object of Replicate's Stability models
 * (stable-diffusion-3.5-large/-medium/-large-turbo, stable-diffusion-3), whose schemas share
 * `prompt`, `aspect_ratio`, `cfg`, `seed`, `output_format`, `image` and `prompt_strength`.
 */
import { loadSharp } from '../../codecs/lazy-sharp.js';
import type { GenerationRequest, InputImage, OutputFormat } from '../provider.js';
import type { ReplicateModel } from './models.js';

export type ReplicateInput = Record<string, string | number>;

/** Replicate's enum is `webp`, `jpg`, `png`: only jpeg is spelled differently. */
export const REPLICATE_FORMAT: Readonly<Record<OutputFormat, string>> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/** Same cap as request validation (3072x3072): a decompression bomb cannot slip through here. */
const MAX_INPUT_PIXELS = 9437184;

/**
 * The `input` to send. `seed` is always sent, because Replicate never reports the seed it drew.
 * `steps` and `output_quality` are left out: the current versions of the 3.5 large and medium
 * models do not have them, and an unknown input is refused.
 */
export async function buildInput(request: GenerationRequest, model: ReplicateModel, seed: number): Promise<ReplicateInput> {
  const input: ReplicateInput = {
    prompt: request.prompt,
    // Replicate sizes the output from the ratio (about 1 MP), as the station's table does.
    aspect_ratio: request.aspectRatio,
    seed,
    output_format: REPLICATE_FORMAT[request.outputFormat],
  };
  if (request.negativePrompt && model.negativePrompt) input.negative_prompt = request.negativePrompt;
  if (request.cfgScale !== undefined) input.cfg = request.cfgScale;
  if (request.image) {
    input.image = await imageDataUri(request.image, request.width, request.height);
    // Same meaning as ours: "1.0 corresponds to full destruction of information in image".
    if (request.strength !== undefined) input.prompt_strength = request.strength;
  }
  return input;
}

/**
 * The input image as a data URI, cropped (centre, no stretching) to the output size first: the
 * model ignores `aspect_ratio` in image-to-image and follows the image's own proportions, and
 * the client must get exactly width x height back. JPEG keeps the body small; Replicate
 * suggests data URIs only for small files.
 */
export async function imageDataUri(image: InputImage, width: number, height: number): Promise<string> {
  const jpeg = await (await loadSharp())(image.bytes, { limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true })
    .resize(width, height, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' }) // JPEG has no alpha: transparency becomes paper, not black
    .jpeg({ quality: 92 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
