/** @module Reads one finished prompt's /history entry: did it fail, and where is the output image. */
import { UpstreamFailure } from '../upstream-failure.js';

/** Where /view finds a saved image. */
export interface ImageRef {
  filename: string;
  subfolder: string;
  type: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const broken = (why: string) => new UpstreamFailure('broken', `comfyui /history: ${why}`, true, 200);

/**
 * The failure ComfyUI recorded, or undefined when the run succeeded. `status` holds
 * `{status_str: "success"|"error", completed, messages: [[event, data], ...]}`; an
 * "execution_error" message names the node and the exception.
 */
export function executionError(entry: unknown): string | undefined {
  if (!isObject(entry)) throw broken('the entry is not an object');
  const status = entry.status;
  // Entries written before ComfyUI recorded a status only exist once the run is done.
  if (!isObject(status) || status.status_str !== 'error') return undefined;
  const messages = Array.isArray(status.messages) ? status.messages : [];
  for (const message of messages) {
    if (!Array.isArray(message) || (message[0] !== 'execution_error' && message[0] !== 'execution_interrupted')) continue;
    const data = isObject(message[1]) ? message[1] : {};
    if (message[0] === 'execution_interrupted') return `interrupted at node ${String(data.node_id ?? '?')}`;
    const where = `node ${String(data.node_id ?? '?')} (${String(data.node_type ?? '?')})`;
    return `${where}: ${String(data.exception_type ?? 'error')}: ${String(data.exception_message ?? '').trim()}`.slice(0, 1000);
  }
  return 'status_str is "error"';
}

/** The first image the SaveImage node wrote, from `outputs[<node id>].images`. */
export function outputImage(entry: unknown, saveId: string): ImageRef {
  if (!isObject(entry) || !isObject(entry.outputs)) throw broken('the finished entry has no outputs');
  const output = entry.outputs[saveId];
  const images = isObject(output) && Array.isArray(output.images) ? output.images : [];
  const image: unknown = images[0];
  if (!isObject(image) || typeof image.filename !== 'string' || image.filename === '') {
    throw broken(`the run finished without an image from SaveImage node ${saveId}`);
  }
  return {
    filename: image.filename,
    subfolder: typeof image.subfolder === 'string' ? image.subfolder : '',
    type: typeof image.type === 'string' ? image.type : 'output',
  };
}
