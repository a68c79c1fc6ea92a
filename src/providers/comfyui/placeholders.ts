/** @module Operator-supplied API-format workflows: their shape, their {{placeholders}}, and filling them per request. */

export interface WorkflowNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}

/** ComfyUI's "API format": node id to node; links are `[node id, output index]`. */
export type Workflow = Record<string, WorkflowNode>;

/**
 * Placeholders whose whole-value use becomes a JSON number, so ComfyUI's INT/FLOAT inputs accept
 * them: seed (KSampler's, never 0), width/height (the exact output size), steps, cfg, denoise
 * (the strength for image-to-image, 1 for text-to-image), shift (ModelSamplingSD3).
 */
const NUMERIC = ['seed', 'width', 'height', 'steps', 'cfg', 'denoise', 'shift'] as const;
/** prompt, negative_prompt ('' when none), checkpoint (the mapped model), image (the uploaded input's name), sampler, scheduler. */
const TEXTUAL = ['prompt', 'negative_prompt', 'checkpoint', 'image', 'sampler', 'scheduler'] as const;

export type PlaceholderValues = Record<(typeof NUMERIC)[number], number> & Record<(typeof TEXTUAL)[number], string>;

export const PLACEHOLDERS: readonly string[] = [...NUMERIC, ...TEXTUAL];

const PATTERN = /\{\{\s*([a-z_]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([a-z_]+)\s*\}\}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The one SaveImage node: the output the provider downloads. */
export function saveNodeId(workflow: Workflow): string {
  const ids = Object.keys(workflow).filter((id) => workflow[id]!.class_type === 'SaveImage');
  if (ids.length !== 1) throw new Error(`needs exactly one SaveImage node, found ${ids.length}`);
  return ids[0]!;
}

function placeholdersIn(workflow: Workflow): Set<string> {
  const found = new Set<string>();
  for (const node of Object.values(workflow)) {
    for (const value of Object.values(node.inputs)) {
      if (typeof value === 'string') for (const match of value.matchAll(PATTERN)) found.add(match[1]!);
    }
  }
  return found;
}

/**
 * Checks what ComfyUI would refuse anyway (so a broken workflow is caught when the channel is
 * saved, not on a client's request) plus our own rules: known placeholders only, and {{image}}
 * exactly in the image-to-image workflow.
 * @throws Error saying what is wrong.
 */
export function checkWorkflow(value: unknown, needsImage: boolean): Workflow {
  if (!isObject(value) || Object.keys(value).length === 0) throw new Error('must be a non-empty API-format workflow object (node id to node)');
  for (const [id, node] of Object.entries(value)) {
    if (!isObject(node) || typeof node.class_type !== 'string' || !isObject(node.inputs)) {
      throw new Error(`node ${id} needs a string class_type and an inputs object (export the workflow with "Save (API Format)")`);
    }
  }
  const workflow = value as Workflow;
  saveNodeId(workflow);
  const used = placeholdersIn(workflow);
  const unknown = [...used].filter((name) => !PLACEHOLDERS.includes(name));
  if (unknown.length > 0) throw new Error(`unknown placeholder {{${unknown[0]}}}; known: ${PLACEHOLDERS.join(', ')}`);
  if (needsImage && !used.has('image')) throw new Error('an image-to-image workflow must load the input with an "{{image}}" placeholder');
  if (!needsImage && used.has('image')) throw new Error('{{image}} belongs in the imageWorkflow option, not in workflow');
  return workflow;
}

/** A copy of `workflow` with every placeholder replaced; the template itself is never mutated. */
export function fillWorkflow(workflow: Workflow, values: PlaceholderValues): Workflow {
  const lookup = values as Record<string, string | number>;
  const filled: Workflow = structuredClone(workflow);
  for (const node of Object.values(filled)) {
    for (const [key, value] of Object.entries(node.inputs)) {
      if (typeof value !== 'string') continue;
      const whole = WHOLE.exec(value);
      if (whole) node.inputs[key] = lookup[whole[1]!];
      else node.inputs[key] = value.replace(PATTERN, (_, name: string) => String(lookup[name]));
    }
  }
  return filled;
}
