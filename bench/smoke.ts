/**
 * @module One request to each target before any load: a benchmark of a gateway that answers 401
 * or an empty body would measure nothing. Checks the status and that the answer is the picture
 * (PNG or JPEG magic bytes, or base64 JSON in Stability's or OpenAI's shape).
 */
import type { Target } from './targets.js';

const MAGIC = { png: '89504e47', jpeg: 'ffd8ff' } as const;

function pictureOf(target: Target, body: Buffer): Buffer {
  if (target.expect === 'png' || target.expect === 'jpeg') return body;
  const json = JSON.parse(body.toString('utf8')) as { image?: string; data?: { b64_json?: string }[] };
  const b64 = target.expect === 'json' ? json.image : json.data?.[0]?.b64_json;
  if (typeof b64 !== 'string') throw new Error(`${target.name}: the JSON answer holds no image: ${body.toString('utf8', 0, 200)}`);
  return Buffer.from(b64, 'base64');
}

/** @returns a one-line description of the answer. @throws when it is not a picture. */
export async function smokeCheck(target: Target): Promise<string> {
  const { url, method, headers, body } = target.request;
  const started = performance.now();
  const res = await fetch(url, { method, headers, body: Buffer.from(body, 'base64') });
  const bytes = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${target.name}: ${method} ${url} answered ${res.status}: ${bytes.toString('utf8', 0, 300)}`);
  const picture = pictureOf(target, bytes);
  const format = target.expect === 'jpeg' ? 'jpeg' : 'png';
  if (!picture.toString('hex', 0, 4).startsWith(MAGIC[format])) throw new Error(`${target.name}: the answer is not a ${format}`);
  return `${target.name}: 200 ${res.headers.get('content-type')}, ${bytes.length} bytes (${format} ${picture.length} bytes) in ${ms.toFixed(1)} ms`;
}
