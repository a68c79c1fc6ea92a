/**
 * @module The requests the benchmark sends, built once: a realistic sd3 multipart (prompt, model
 * sd3.5-large, output_format, aspect_ratio 1:1), the same for Stability's own key or an aigate
 * key and for `accept: image/*` or `application/json`, and Portkey's OpenAI images JSON.
 */
import type { RequestSpec } from './load-job.js';

export const SD3_PATH = '/v2beta/stable-image/generate/sd3';
export const PROMPT = 'a lighthouse on a cliff at dusk, waves breaking on the rocks below, volumetric light, highly detailed';
const BOUNDARY = '----aigatebench7MA4YWxkTrZu0gW';

export type Accept = 'image/*' | 'application/json';

export function sd3Form(outputFormat: 'png' | 'jpeg'): Buffer {
  const fields: [string, string][] = [['prompt', PROMPT], ['model', 'sd3.5-large'], ['output_format', outputFormat], ['aspect_ratio', '1:1']];
  const parts = fields.map(([name, value]) => `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`);
}

/** A load job posting the sd3 form to `base` (a Stability upstream or anything in front of one). */
export function sd3Request(base: string, key: string, accept: Accept, outputFormat: 'png' | 'jpeg' = 'png'): RequestSpec {
  const body = sd3Form(outputFormat);
  return {
    url: `${base}${SD3_PATH}`,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, accept, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: body.toString('base64'),
  };
}

/** Portkey's OpenAI images route, provider stability-ai, forwarded to `upstream`. */
export function portkeyRequest(portkey: string, upstream: string, key: string): RequestSpec {
  const body = Buffer.from(JSON.stringify({ model: 'sd3.5-large', prompt: PROMPT, output_format: 'png', aspect_ratio: '1:1' }));
  return {
    url: `${portkey}/v1/images/generations`,
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-portkey-provider': 'stability-ai',
      'x-portkey-custom-host': upstream,
    },
    body: body.toString('base64'),
  };
}
