/**
 * @module The `ultra` and `core` endpoints' fields (spec §10): prompt, negative_prompt,
 * aspect_ratio (always allowed), seed, output_format, style_preset; `ultra` also takes an optional
 * image (64 to 16,384 px a side), which then requires strength. mode, model and cfg_scale are
 * ignored if sent. Every failing field is listed at once.
 */
import type { ModelSpec } from '../../../config/models.js';
import { badRequest } from '../../../errors.js';
import { inspectImage } from '../../../generation/image-input.js';
import { nearestAspectRatio, sizeFor, type AspectRatio } from '../../../generation/sizes.js';
import type { GenerationRequest, InputImage } from '../../../providers/provider.js';
import type { MultipartForm } from '../../multipart/read-form.js';
import type { TextField } from './fields.js';
import { parseTextFields } from './validate-sd3.js';

export const ULTRA_MAX_SIDE = 16_384;
export const ULTRA_FILE_FIELDS: ReadonlySet<string> = new Set(['image']);
export const CORE_FILE_FIELDS: ReadonlySet<string> = new Set();
const TEXT_FIELDS: readonly TextField[] = ['prompt', 'negative_prompt', 'aspect_ratio', 'seed', 'output_format', 'style_preset', 'strength'];

export async function validateUltraOrCore(form: MultipartForm, model: ModelSpec): Promise<GenerationRequest> {
  const errors: string[] = [];
  const takesImage = model.endpoint === 'ultra';
  const f = parseTextFields(form, takesImage ? TEXT_FIELDS : TEXT_FIELDS.filter((n) => n !== 'strength'), errors);
  if (!form.fields.has('prompt') && !form.fileNames.has('prompt')) errors.push('prompt: is required');

  let image: InputImage | undefined;
  if (takesImage) {
    if (form.duplicates.has('image')) errors.push('image: must be sent only once');
    if (form.fields.has('image')) errors.push('image: must be a file');
    const part = form.files.get('image');
    if (part && !form.fields.has('strength')) errors.push('strength: is required when an image is sent');
    if (!part && form.fields.has('strength')) errors.push('strength: is only valid with an image');
    if (part) {
      const inspected = await inspectImage(part.bytes, 'image', ULTRA_MAX_SIDE);
      if (inspected.ok) image = inspected.image;
      else errors.push(inspected.problem);
    }
  }
  if (errors.length > 0) throw badRequest(errors);

  // An explicit aspect ratio wins; otherwise an input image's own shape decides.
  const aspectRatio: AspectRatio = f.aspect_ratio ?? (image ? nearestAspectRatio(image.width, image.height) : '1:1');
  const { width, height } = sizeFor(model.endpoint, aspectRatio);
  return {
    endpoint: model.endpoint,
    model: model.id,
    prompt: f.prompt!,
    negativePrompt: f.negative_prompt || undefined,
    width,
    height,
    aspectRatio,
    seed: f.seed ?? 0,
    outputFormat: f.output_format ?? 'png',
    stylePreset: f.style_preset,
    image,
    strength: image ? f.strength : undefined,
  };
}
