/**
 * @module Test helper for test/simulators/comfyui.ts: the core ComfyUI nodes the simulator knows,
 * and validate_prompt's checks and messages (execution.py) over an API-format workflow.
 */
import sharp from 'sharp';

export type Node = { class_type?: unknown; inputs?: unknown; _meta?: { title?: string } };
export type Workflow = Record<string, Node>;
export type Inputs = Record<string, unknown>;
/** An input's type: a primitive with its bounds, a link type (MODEL, CLIP...), or a combo's choices. */
type Spec = string | readonly string[];

const SAMPLERS = ['euler', 'euler_ancestral', 'heun', 'dpm_2', 'lms', 'dpmpp_2m', 'dpmpp_2m_sde', 'dpmpp_sde', 'ddim', 'uni_pc'];
const SCHEDULERS = ['simple', 'sgm_uniform', 'karras', 'exponential', 'ddim_uniform', 'beta', 'normal', 'linear_quadratic', 'kl_optimal'];
/** Core nodes' required inputs and outputs, as nodes.py and comfy_extras declare them. */
const NODES: Record<string, { in: Record<string, Spec>; out: string[] }> = {
  CheckpointLoaderSimple: { in: { ckpt_name: 'STRING' }, out: ['MODEL', 'CLIP', 'VAE'] },
  TripleCLIPLoader: { in: { clip_name1: 'STRING', clip_name2: 'STRING', clip_name3: 'STRING' }, out: ['CLIP'] },
  UNETLoader: { in: { unet_name: 'STRING', weight_dtype: ['default', 'fp8_e4m3fn', 'fp8_e4m3fn_fast', 'fp8_e5m2'] }, out: ['MODEL'] },
  VAELoader: { in: { vae_name: 'STRING' }, out: ['VAE'] },
  CLIPTextEncode: { in: { text: 'STRING', clip: 'CLIP' }, out: ['CONDITIONING'] },
  EmptySD3LatentImage: { in: { width: 'INT:16:16384', height: 'INT:16:16384', batch_size: 'INT:1:4096' }, out: ['LATENT'] },
  ModelSamplingSD3: { in: { model: 'MODEL', shift: 'FLOAT:0:100' }, out: ['MODEL'] },
  KSampler: {
    in: { model: 'MODEL', seed: 'INT:0:18446744073709551615', steps: 'INT:1:10000', cfg: 'FLOAT:0:100', sampler_name: SAMPLERS, scheduler: SCHEDULERS, positive: 'CONDITIONING', negative: 'CONDITIONING', latent_image: 'LATENT', denoise: 'FLOAT:0:1' },
    out: ['LATENT'],
  },
  VAEDecode: { in: { samples: 'LATENT', vae: 'VAE' }, out: ['IMAGE'] },
  VAEEncode: { in: { pixels: 'IMAGE', vae: 'VAE' }, out: ['LATENT'] },
  LoadImage: { in: { image: 'STRING' }, out: ['IMAGE', 'MASK'] },
  ImageScale: { in: { image: 'IMAGE', upscale_method: ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'], width: 'INT:0:16384', height: 'INT:0:16384', crop: ['disabled', 'center'] }, out: ['IMAGE'] },
  SaveImage: { in: { images: 'IMAGE', filename_prefix: 'STRING' }, out: [] },
};

export const err = (type: string, message: string, details: string, extra_info: object = {}) => ({ type, message, details, extra_info });
const invalid = (error: object, node_errors: object = {}) => ({ refusal: { error, node_errors } });
export const inputsOf = (node: Node | undefined): Inputs => (node?.inputs ?? {}) as Inputs;
export const linkOf = (value: unknown) => (Array.isArray(value) && value.length === 2 ? String(value[0]) : undefined);

/** The reasons validate_inputs gives for one node, in its words. */
function nodeErrors(wf: Workflow, id: string, uploads: ReadonlyMap<string, Buffer>): object[] {
  const spec = NODES[wf[id]!.class_type as string]!;
  const inputs = inputsOf(wf[id]);
  const errors: object[] = [];
  for (const [name, type] of Object.entries(spec.in)) {
    const value = inputs[name];
    const info = { input_name: name };
    if (value === undefined) errors.push(err('required_input_missing', 'Required input is missing', name, info));
    else if (Array.isArray(value)) {
      const from = wf[String(value[0])];
      const received = value.length === 2 && from ? NODES[from.class_type as string]?.out[Number(value[1])] : undefined;
      if (value.length !== 2) errors.push(err('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]', name, info));
      else if (received === undefined) errors.push(err('exception_during_inner_validation', 'Exception when validating inner node', `'${String(value[0])}'`, info));
      else if (received !== type) errors.push(err('return_type_mismatch', 'Return type mismatch between linked nodes', `${name}, received_type(${received}) mismatch input_type(${String(type)})`, info));
    } else if (typeof type !== 'string') {
      if (!type.includes(value as string)) errors.push(err('value_not_in_list', 'Value not in list', `${name}: '${String(value)}' not in ${JSON.stringify(type)}`, info));
    } else if (type.startsWith('INT') || type.startsWith('FLOAT')) {
      const [kind, min, max] = type.split(':');
      const n = typeof value === 'number' || typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isFinite(n) || (kind === 'INT' && typeof value === 'string' && !/^-?\d+$/.test(value))) errors.push(err('invalid_input_type', `Failed to convert an input value to a ${kind} value`, `${name}, ${String(value)}`, info));
      else if (n < Number(min)) errors.push(err('value_smaller_than_min', `Value ${n} smaller than min of ${min}`, name, info));
      else if (n > Number(max)) errors.push(err('value_bigger_than_max', `Value ${n} bigger than max of ${max}`, name, info));
    } else if (type === 'STRING' && typeof value === 'object') errors.push(err('invalid_input_type', 'Failed to convert an input value to a STRING value', name, info));
  }
  if (wf[id]!.class_type === 'LoadImage' && typeof inputs.image === 'string' && !uploads.has(inputs.image)) {
    errors.push(err('custom_validation_failed', 'Custom validation failed for node', `image - Invalid image file: ${inputs.image}`, { input_name: 'image' }));
  }
  return errors;
}

/** Follows a node's first latent/image input back to where the size is decided. Throws like the node would. */
export async function sizeOf(wf: Workflow, id: string, uploads: ReadonlyMap<string, Buffer>): Promise<[number, number]> {
  const node = wf[id]!;
  const i = inputsOf(node);
  if (node.class_type === 'EmptySD3LatentImage') return [Math.floor(Number(i.width) / 8) * 8, Math.floor(Number(i.height) / 8) * 8];
  if (node.class_type === 'LoadImage') {
    const meta = await sharp(uploads.get(String(i.image))).metadata().catch(() => undefined);
    if (!meta?.width || !meta.height) throw Object.assign(new Error(`cannot identify image file '${String(i.image)}'`), { node: id });
    return [meta.width, meta.height];
  }
  const next = ['samples', 'latent_image', 'pixels', 'image', 'images'].map((k) => linkOf(i[k])).find((v) => v !== undefined);
  if (next === undefined) return [1024, 1024]; // a source node the simulator does not model
  const inner = await sizeOf(wf, next, uploads); // runs the input's nodes first, as ComfyUI does
  return node.class_type === 'ImageScale' && Number(i.width) > 0 && Number(i.height) > 0 ? [Number(i.width), Number(i.height)] : inner;
}

/** validate_prompt's checks, in its order: the 400 body ComfyUI answers, or the SaveImage node ids. */
export function validate(wf: Workflow | undefined, uploads: ReadonlyMap<string, Buffer>): { refusal: object } | { saves: string[] } {
  if (typeof wf !== 'object' || wf === null) return invalid(err('no_prompt', 'No prompt provided', 'No prompt provided'));
  for (const [id, node] of Object.entries(wf)) {
    if (typeof node?.class_type !== 'string') return invalid(err('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`));
    if (!NODES[node.class_type]) return invalid(err('missing_node_type', `Node '${node._meta?.title ?? node.class_type}' not found. The custom node may not be installed.`, `Node ID '#${id}'`, { node_id: id, class_type: node.class_type }));
  }
  const saves = Object.keys(wf).filter((id) => wf[id]!.class_type === 'SaveImage');
  if (saves.length === 0) return invalid(err('prompt_no_outputs', 'Prompt has no outputs', ''));
  const node_errors: Record<string, object> = {};
  for (const id of Object.keys(wf)) {
    const errors = nodeErrors(wf, id, uploads);
    if (errors.length) node_errors[id] = { errors, dependent_outputs: saves, class_type: wf[id]!.class_type };
  }
  if (Object.keys(node_errors).length) return invalid(err('prompt_outputs_failed_validation', 'Prompt outputs failed validation', ''), node_errors);
  return { saves };
}
