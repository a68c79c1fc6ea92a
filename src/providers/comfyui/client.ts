/**
 * @module ComfyUI's HTTP API as the adapter uses it: upload the input, queue the workflow, poll
 * its history, download the output. Each call classifies its own failures, because what a
 * failure means depends on whether the workflow is already queued.
 */
import { randomUUID } from 'node:crypto';
import { encodeMultipart } from '../http/multipart-body.js';
import { callUpstream, pause, type UpstreamAnswer } from '../http/upstream-http.js';
import type { InputImage } from '../provider.js';
import { UpstreamFailure } from '../upstream-failure.js';
import type { Workflow } from './placeholders.js';
import { executionError, outputImage, type ImageRef } from './history.js';

export interface Connection {
  baseUrl: string;
  /** Authorization for the reverse proxy in front of ComfyUI, when the channel has credentials. */
  headers: Record<string, string>;
  signal: AbortSignal;
}

function json(answer: UpstreamAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch (error) {
    throw new UpstreamFailure('broken', `comfyui ${what} answered 200 with a body that is not JSON`, true, 200, { cause: error });
  }
}

/** ComfyUI's own refusal text, e.g. "prompt_outputs_failed_validation: ... KSampler: Value not in list: sampler_name: 'x'". */
function refusalText(answer: UpstreamAnswer): string {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as { error?: { type?: string; message?: string } | string; node_errors?: unknown };
    const error = typeof body.error === 'string' ? body.error : [body.error?.type, body.error?.message].filter(Boolean).join(': ');
    const nodes = Object.entries(typeof body.node_errors === 'object' && body.node_errors ? body.node_errors : {}).flatMap(([id, entry]) => {
      const { class_type, errors } = entry as { class_type?: string; errors?: Array<{ message?: string; details?: string }> };
      return (errors ?? []).map((e) => `node ${id} ${class_type ?? ''}: ${e.message ?? ''}: ${e.details ?? ''}`);
    });
    return [error, ...nodes.slice(0, 5)].filter(Boolean).join('; ').slice(0, 1000);
  } catch {
    return answer.body.toString('utf8', 0, 200).replace(/\s+/g, ' ').trim();
  }
}

/**
 * Before the workflow is queued nothing can have been generated, so every refusal is safe to
 * fail over: 401/403 come from the operator's reverse proxy, and a 400 from /prompt means the
 * channel's workflow or model files are wrong, never the client's request.
 */
function refused(answer: UpstreamAnswer, what: string): UpstreamFailure {
  const detail = `comfyui ${what} answered ${answer.status}: ${refusalText(answer)}`;
  if (answer.status === 401 || answer.status === 403) return new UpstreamFailure('credentials', detail, true, answer.status);
  if (answer.status === 429) return new UpstreamFailure('rate_limited', detail, true, answer.status);
  return new UpstreamFailure('server_error', detail, true, answer.status);
}

/** Uploads the client's image to ComfyUI's input folder; returns the name LoadImage takes. */
export async function uploadImage(conn: Connection, image: InputImage): Promise<string> {
  const filename = `aigate-${randomUUID()}.${image.format === 'jpeg' ? 'jpg' : image.format}`;
  const form = encodeMultipart([
    { name: 'image', file: image.bytes, filename, contentType: `image/${image.format}` },
    { name: 'type', value: 'input' },
    { name: 'overwrite', value: 'true' },
  ]);
  let answer: UpstreamAnswer;
  try {
    answer = await callUpstream({ method: 'POST', url: `${conn.baseUrl}/upload/image`, headers: { ...conn.headers, 'content-type': form.contentType }, body: form.body, signal: conn.signal });
  } catch (error) {
    // An upload alone never generates: however it broke, trying another channel cannot pay twice.
    if (error instanceof UpstreamFailure && error.kind === 'broken') throw new UpstreamFailure('server_error', error.message, true, undefined, { cause: error });
    if (error instanceof UpstreamFailure && error.kind === 'timeout') throw new UpstreamFailure('timeout', error.message, false, undefined, { cause: error });
    throw error;
  }
  if (answer.status !== 200) throw refused(answer, 'upload');
  const body = json(answer, 'upload') as { name?: unknown; subfolder?: unknown; type?: unknown };
  if (typeof body.name !== 'string' || body.name === '') throw new UpstreamFailure('server_error', 'comfyui upload answered without a file name', true, 200);
  const path = typeof body.subfolder === 'string' && body.subfolder !== '' ? `${body.subfolder}/${body.name}` : body.name;
  // LoadImage reads "name [type]" from another folder than input (ComfyUI's annotated file paths).
  return typeof body.type === 'string' && body.type !== 'input' ? `${path} [${body.type}]` : path;
}

/** Queues the workflow; returns its prompt id. */
export async function submitPrompt(conn: Connection, workflow: Workflow): Promise<string> {
  const answer = await callUpstream({
    method: 'POST',
    url: `${conn.baseUrl}/prompt`,
    headers: { ...conn.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: workflow, client_id: randomUUID() }),
    signal: conn.signal,
  });
  if (answer.status !== 200) throw refused(answer, '/prompt');
  const body = json(answer, '/prompt') as { prompt_id?: unknown };
  if (typeof body.prompt_id !== 'string' || body.prompt_id === '') throw new UpstreamFailure('broken', 'comfyui /prompt answered 200 without a prompt_id', true, 200);
  return body.prompt_id;
}

/**
 * Once queued, ComfyUI may be generating whatever we see: every failure but its own "execution
 * failed" and a timeout becomes 'broken', so the router never pays for a second image.
 */
async function queued<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UpstreamFailure) || error.kind === 'timeout' || error.kind === 'broken') throw error;
    throw new UpstreamFailure('broken', `${error.message} (after the workflow was queued)`, true, error.status, { cause: error });
  }
}

/**
 * Polls /history/<id> (`{}` until the prompt finishes) until the output node's image is listed.
 * Polling is enough; ComfyUI's /ws socket would only save the interval.
 */
export async function waitForOutput(conn: Connection, promptId: string, saveId: string, intervalMs: number): Promise<ImageRef> {
  const url = `${conn.baseUrl}/history/${encodeURIComponent(promptId)}`;
  for (;;) {
    const answer = await queued(() => callUpstream({ method: 'GET', url, headers: conn.headers, signal: conn.signal }));
    if (answer.status !== 200) throw new UpstreamFailure('broken', `comfyui /history answered ${answer.status} after the workflow was queued`, true, answer.status);
    const body = json(answer, '/history');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UpstreamFailure('broken', 'comfyui /history answered something other than an object', true, 200);
    const entry = (body as Record<string, unknown>)[promptId];
    if (entry !== undefined) {
      const failed = executionError(entry);
      // ComfyUI says the run failed: no image exists, so another channel may try.
      if (failed !== undefined) throw new UpstreamFailure('server_error', `comfyui execution failed: ${failed}`, true);
      return outputImage(entry, saveId);
    }
    await pause(intervalMs, conn.signal);
  }
}

/** Downloads the output image's bytes from /view. */
export async function downloadImage(conn: Connection, ref: ImageRef): Promise<Buffer> {
  const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
  const answer = await queued(() => callUpstream({ method: 'GET', url: `${conn.baseUrl}/view?${query}`, headers: conn.headers, signal: conn.signal }));
  if (answer.status !== 200) throw new UpstreamFailure('broken', `comfyui /view answered ${answer.status} for the finished image`, true, answer.status);
  return answer.body;
}

/** Bounds the clean-up calls, which run after the request's own signal has fired. */
const CANCEL_TIMEOUT_MS = 5_000;

/**
 * Frees ComfyUI of a prompt nobody will collect (the client left, the channel timed out, or its
 * answers broke): removes it from the queue and, when asked, interrupts it if it is running.
 * Best effort and never awaited by the request: a failure here changes nothing for the client.
 */
export async function abandonPrompt(conn: Connection, promptId: string, interrupt: boolean): Promise<void> {
  const call = (path: string, body: object) =>
    callUpstream({
      method: 'POST',
      url: `${conn.baseUrl}${path}`,
      headers: { ...conn.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS),
    }).catch(() => undefined);
  await call('/queue', { delete: [promptId] });
  if (interrupt) await call('/interrupt', { prompt_id: promptId });
}
