/**
 * @module The built-in SD3.5 workflows, after ComfyUI's own SD3.5 example: written with the same
 * {{placeholders}} an operator's workflow uses, so both go through one filling path.
 */
import type { Workflow } from './placeholders.js';

const node = (class_type: string, title: string, inputs: Record<string, unknown>) => ({ class_type, inputs, _meta: { title } });

/** Output node ids, kept stable so logs and tests can name them. */
export const NODE = {
  sampler: '3',
  checkpoint: '4',
  positive: '6',
  negative: '7',
  decode: '8',
  save: '9',
  loadImage: '10',
  textEncoders: '11',
  scale: '12',
  modelSampling: '13',
  encode: '14',
  emptyLatent: '53',
} as const;

/**
 * Text-to-image, or image-to-image when `withImage`: then the upload is loaded, scaled and
 * centre-cropped to the exact output size, VAE-encoded, and KSampler's denoise carries the
 * strength (both mean: 0 keeps the input, 1 ignores it).
 * @param textEncoders TripleCLIPLoader's files, or null when the checkpoint carries its own CLIP.
 */
export function templateWorkflow(textEncoders: readonly [string, string, string] | null, withImage: boolean): Workflow {
  const clip = textEncoders ? [NODE.textEncoders, 0] : [NODE.checkpoint, 1];
  const workflow: Workflow = {
    [NODE.checkpoint]: node('CheckpointLoaderSimple', 'Load Checkpoint', { ckpt_name: '{{checkpoint}}' }),
    [NODE.modelSampling]: node('ModelSamplingSD3', 'ModelSamplingSD3', { model: [NODE.checkpoint, 0], shift: '{{shift}}' }),
    [NODE.positive]: node('CLIPTextEncode', 'Positive Prompt', { text: '{{prompt}}', clip }),
    [NODE.negative]: node('CLIPTextEncode', 'Negative Prompt', { text: '{{negative_prompt}}', clip }),
    [NODE.sampler]: node('KSampler', 'KSampler', {
      model: [NODE.modelSampling, 0],
      seed: '{{seed}}',
      steps: '{{steps}}',
      cfg: '{{cfg}}',
      sampler_name: '{{sampler}}',
      scheduler: '{{scheduler}}',
      positive: [NODE.positive, 0],
      negative: [NODE.negative, 0],
      latent_image: withImage ? [NODE.encode, 0] : [NODE.emptyLatent, 0],
      denoise: '{{denoise}}',
    }),
    [NODE.decode]: node('VAEDecode', 'VAE Decode', { samples: [NODE.sampler, 0], vae: [NODE.checkpoint, 2] }),
    [NODE.save]: node('SaveImage', 'Save Image', { filename_prefix: 'aigate', images: [NODE.decode, 0] }),
  };
  if (textEncoders) {
    workflow[NODE.textEncoders] = node('TripleCLIPLoader', 'TripleCLIPLoader', {
      clip_name1: textEncoders[0],
      clip_name2: textEncoders[1],
      clip_name3: textEncoders[2],
    });
  }
  if (withImage) {
    workflow[NODE.loadImage] = node('LoadImage', 'Load Image', { image: '{{image}}' });
    workflow[NODE.scale] = node('ImageScale', 'Upscale Image', {
      image: [NODE.loadImage, 0],
      upscale_method: 'lanczos',
      width: '{{width}}',
      height: '{{height}}',
      crop: 'center',
    });
    workflow[NODE.encode] = node('VAEEncode', 'VAE Encode', { pixels: [NODE.scale, 0], vae: [NODE.checkpoint, 2] });
  } else {
    workflow[NODE.emptyLatent] = node('EmptySD3LatentImage', 'EmptySD3LatentImage', { width: '{{width}}', height: '{{height}}', batch_size: 1 });
  }
  return workflow;
}
