/**
 * @module The options an a1111 channel accepts (`--option key=value`), checked once when the
 * channel is saved and again when it is created, so a bad value never reaches the upstream.
 */

/** Options after checking, every default resolved. */
export interface A1111Options {
  /** Sampling steps; the webui's own default (20) is low for SD3-class checkpoints. */
  steps: number;
  /** A sampler name or alias as `GET /sdapi/v1/samplers` lists it. */
  sampler: string;
  /** A scheduler name or label (`GET /sdapi/v1/schedulers`, webui 1.9+); omitted: the sampler's own. */
  scheduler: string | undefined;
  /** Merged into `override_settings` (e.g. CLIP_stop_at_last_layers); the model map's checkpoint wins. */
  overrideSettings: Readonly<Record<string, unknown>>;
}

export const DEFAULT_STEPS = 28;
export const DEFAULT_SAMPLER = 'Euler';
/** The webui's UI slider stops at 150; more only costs the channel time. */
const MAX_STEPS = 150;
const KNOWN = ['steps', 'sampler', 'scheduler', 'overrideSettings'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The CLI hands every option over as text; numbers and JSON objects are read from it. */
function steps(value: unknown): number {
  if (value === undefined) return DEFAULT_STEPS;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_STEPS) {
    throw new Error(`a1111: option "steps" must be an integer from 1 to ${MAX_STEPS}`);
  }
  return n;
}

function name(option: 'sampler' | 'scheduler', value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100 || /[\r\n]/.test(value)) {
    throw new Error(`a1111: option "${option}" must be a single-line name of 1 to 100 characters`);
  }
  return value.trim();
}

function overrides(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  if (!isRecord(parsed)) throw new Error('a1111: option "overrideSettings" must be a JSON object, e.g. {"CLIP_stop_at_last_layers":2}');
  return parsed;
}

/** @throws Error naming the first bad option. */
export function checkA1111Options(options: Readonly<Record<string, unknown>>): A1111Options {
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) throw new Error(`a1111: unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  return {
    steps: steps(options.steps),
    sampler: name('sampler', options.sampler) ?? DEFAULT_SAMPLER,
    scheduler: name('scheduler', options.scheduler),
    overrideSettings: overrides(options.overrideSettings),
  };
}
