/**
 * @module A Fireworks channel's options. The CLI passes every option as text (`--option steps=28`),
 * and the config file may pass real numbers and booleans, so both spellings are accepted.
 */
import type { FireworksApi } from './models.js';

export interface FireworksOptions {
  /** Denoising steps; undefined means each model's default (models.ts). */
  steps: number | undefined;
  /** Fireworks' `safety_check`: flagged outputs come back filtered with Finish-Reason CONTENT_FILTERED. */
  safetyCheck: boolean;
  /** Forces one of Fireworks' two image APIs; undefined picks it from the model name. */
  api: FireworksApi | undefined;
}

const KNOWN = ['steps', 'safetyCheck', 'api'];

function parseSteps(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const steps = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1 || steps > 100) {
    throw new Error(`fireworks option steps: must be an integer from 1 to 100, got ${JSON.stringify(value)}`);
  }
  return steps;
}

function parseSafetyCheck(value: unknown): boolean {
  // On by default: the station sells Stability's contract, and Stability always filters
  // (a CONTENT_FILTERED image, still charged); an operator reselling to strangers wants the same.
  if (value === undefined) return true;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`fireworks option safetyCheck: must be true or false, got ${JSON.stringify(value)}`);
}

function parseApi(value: unknown): FireworksApi | undefined {
  if (value === undefined || value === 'auto') return undefined;
  if (value === 'workflows' || value === 'image_generation') return value;
  throw new Error(`fireworks option api: must be auto, workflows or image_generation, got ${JSON.stringify(value)}`);
}

/** @throws Error naming the first bad or unknown option. */
export function parseOptions(options: Readonly<Record<string, unknown>>): FireworksOptions {
  const unknown = Object.keys(options).find((key) => !KNOWN.includes(key));
  if (unknown !== undefined) throw new Error(`fireworks option ${unknown}: unknown (known: ${KNOWN.join(', ')})`);
  return { steps: parseSteps(options.steps), safetyCheck: parseSafetyCheck(options.safetyCheck), api: parseApi(options.api) };
}
