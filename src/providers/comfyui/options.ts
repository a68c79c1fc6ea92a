/** @module A ComfyUI channel's options: parsed once, from real values or the CLI's `key=value` strings. */
import { checkWorkflow, type Workflow } from './placeholders.js';

export interface ComfyOptions {
  /** The checkpoint file (models/checkpoints) for models the channel's modelMap does not name. */
  checkpoint: string;
  /** TripleCLIPLoader's three files, or null to use the checkpoint's own CLIP. */
  textEncoders: readonly [string, string, string] | null;
  steps: number;
  sampler: string;
  scheduler: string;
  /** ModelSamplingSD3's shift. */
  shift: number;
  /** Overrides the request's cfg_scale when set (a turbo checkpoint wants 1 whatever the client says). */
  cfg: number | undefined;
  pollIntervalMs: number;
  /** Operator workflows replacing the built-in templates, with {{placeholders}}. */
  workflow: Workflow | undefined;
  imageWorkflow: Workflow | undefined;
  /** How the reverse proxy in front of ComfyUI wants the channel's credentials. */
  auth: 'bearer' | 'basic';
  /**
   * Also interrupt an abandoned prompt that is already running (`POST /interrupt {prompt_id}`).
   * ComfyUI before targeted interrupts ignores the id and stops whatever runs: turn it off there.
   */
  interruptAbandoned: boolean;
}

/** SD3.5 Large as Stability ships it holds no text encoders; these are the files ComfyUI's SD3.5 examples load. */
const DEFAULT_ENCODERS = ['clip_l.safetensors', 'clip_g.safetensors', 't5xxl_fp16.safetensors'] as const;

export const DEFAULT_OPTIONS: ComfyOptions = {
  checkpoint: 'sd3.5_large.safetensors',
  textEncoders: DEFAULT_ENCODERS,
  steps: 28,
  sampler: 'euler',
  scheduler: 'sgm_uniform',
  shift: 3,
  cfg: undefined,
  pollIntervalMs: 500,
  workflow: undefined,
  imageWorkflow: undefined,
  auth: 'bearer',
  interruptAbandoned: true,
};

const KNOWN = new Set(Object.keys(DEFAULT_OPTIONS));

function text(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`comfyui option ${name}: must be a non-empty string`);
  return value.trim();
}

/** Numbers may arrive as strings from `--option steps=28`; ranges follow ComfyUI's own node limits. */
function number(name: string, value: unknown, min: number, max: number, integer: boolean): number {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw new Error(`comfyui option ${name}: must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return parsed;
}

function workflow(name: string, value: unknown, needsImage: boolean): Workflow {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`comfyui option ${name}: is not valid JSON`);
    }
  }
  try {
    return checkWorkflow(parsed, needsImage);
  } catch (error) {
    throw new Error(`comfyui option ${name}: ${(error as Error).message}`);
  }
}

function encoders(value: unknown): ComfyOptions['textEncoders'] {
  const raw = text('textEncoders', value);
  if (raw === 'checkpoint') return null;
  const names = raw.split(',').map((name) => name.trim());
  if (names.length !== 3 || names.some((name) => name === '')) {
    throw new Error('comfyui option textEncoders: must be "checkpoint" or three comma-separated file names (clip_l, clip_g, t5xxl)');
  }
  return [names[0]!, names[1]!, names[2]!];
}

/** @throws Error naming the first bad or unknown option. */
export function parseOptions(raw: Readonly<Record<string, unknown>>): ComfyOptions {
  const unknown = Object.keys(raw).find((key) => !KNOWN.has(key));
  if (unknown !== undefined) throw new Error(`comfyui option ${unknown}: unknown (known: ${[...KNOWN].join(', ')})`);
  const options: ComfyOptions = { ...DEFAULT_OPTIONS };
  if (raw.checkpoint !== undefined) options.checkpoint = text('checkpoint', raw.checkpoint);
  if (raw.textEncoders !== undefined) options.textEncoders = encoders(raw.textEncoders);
  if (raw.steps !== undefined) options.steps = number('steps', raw.steps, 1, 10_000, true);
  if (raw.sampler !== undefined) options.sampler = text('sampler', raw.sampler);
  if (raw.scheduler !== undefined) options.scheduler = text('scheduler', raw.scheduler);
  if (raw.shift !== undefined) options.shift = number('shift', raw.shift, 0, 100, false);
  if (raw.cfg !== undefined) options.cfg = number('cfg', raw.cfg, 0, 100, false);
  if (raw.pollIntervalMs !== undefined) options.pollIntervalMs = number('pollIntervalMs', raw.pollIntervalMs, 1, 60_000, true);
  if (raw.workflow !== undefined) options.workflow = workflow('workflow', raw.workflow, false);
  if (raw.imageWorkflow !== undefined) options.imageWorkflow = workflow('imageWorkflow', raw.imageWorkflow, true);
  if (raw.auth !== undefined) {
    if (raw.auth !== 'bearer' && raw.auth !== 'basic') throw new Error('comfyui option auth: must be "bearer" or "basic"');
    options.auth = raw.auth;
  }
  if (raw.interruptAbandoned !== undefined) {
    const value = String(raw.interruptAbandoned);
    if (value !== 'true' && value !== 'false') throw new Error('comfyui option interruptAbandoned: must be true or false');
    options.interruptAbandoned = value === 'true';
  }
  return options;
}
