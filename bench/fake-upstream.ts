/**
 * @module A fake Stability upstream on node:http, as cheap as an HTTP server can be, so that what
 * is measured is whatever stands in front of it. It honours what gateways rely on: POST on
 * `/v2beta/stable-image/generate/<sd3|ultra|core|model>` (Portkey puts the model in the path),
 * `authorization: Bearer <key>`, and `accept` (application/json gives Stability's base64 JSON,
 * anything else the PNG bytes with `finish-reason` and `seed`). It reads the whole request body
 * without parsing it, then answers, after `delayMs` when set (a slow generation).
 */
import http from 'node:http';

export interface UpstreamImage {
  png: Buffer;
  /** `{"image": "<base64>", "finish_reason": "SUCCESS", "seed": ...}`, Stability's JSON answer. */
  json: Buffer;
  seed: number;
}

/** The PNG and its JSON answer, both built once; the seed is what the `seed` header reports. */
export function upstreamImage(png: Buffer): UpstreamImage {
  const seed = 1234567;
  return { png, json: Buffer.from(`{"image":"${png.toString('base64')}","finish_reason":"SUCCESS","seed":${seed}}`), seed };
}

export interface FakeUpstreamOptions {
  image: UpstreamImage;
  /** The key it accepts as `authorization: Bearer <key>`. */
  key: string;
  /** How long each answer is held after the request was read. */
  delayMs?: number;
}

const PATH = /^\/v2beta\/stable-image\/generate\/[a-z0-9.-]+$/;

function error(res: http.ServerResponse, status: number, name: string, message: string) {
  const body = JSON.stringify({ id: '0'.repeat(32), name, errors: [message] });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

export function createFakeUpstream(options: FakeUpstreamOptions): http.Server {
  const { image, key, delayMs = 0 } = options;
  const pngHeaders = { 'content-type': 'image/png', 'content-length': image.png.length, 'finish-reason': 'SUCCESS', seed: String(image.seed) };
  const jsonHeaders = { 'content-type': 'application/json', 'content-length': image.json.length };

  const server = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, (req, res) => {
    const path = req.url?.split('?')[0] ?? '';
    // Drain the body whatever the answer, so the connection can be reused.
    req.resume();
    req.once('end', () => {
      if (req.method !== 'POST' || !PATH.test(path)) return error(res, 404, 'not_found', `${req.method} ${path}: not found`);
      if (req.headers.authorization !== `Bearer ${key}`) return error(res, 401, 'unauthorized', 'authorization: invalid or missing header value');
      if (!req.headers['content-type']?.startsWith('multipart/form-data')) return error(res, 400, 'bad_request', 'content-type: must be multipart/form-data');
      const json = (req.headers.accept ?? '').trim().startsWith('application/json');
      const answer = () => res.writeHead(200, json ? jsonHeaders : pngHeaders).end(json ? image.json : image.png);
      if (delayMs > 0) {
        const timer = setTimeout(answer, delayMs);
        res.once('close', () => clearTimeout(timer));
      } else answer();
    });
  });
  server.headersTimeout = 0;
  server.maxHeadersCount = 200;
  return server;
}
