/**
 * @module A loopback S3 speaking the REST protocol the station's image store uses, path-style
 * (`/<bucket>/<key>`): PutObject, GetObject, HeadObject, DeleteObject and DeleteObjects, each
 * request's SigV4 signature verified for real (./sigv4.ts), errors as S3's XML `<Error>` bodies with
 * its codes (NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, InvalidAccessKeyId...). Faults from
 * sim-kit apply to every request: `status` answers S3's error for it, `slow` holds the answer,
 * `reset` hangs up. https://docs.aws.amazon.com/AmazonS3/latest/API/
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { startSimulator, type Simulator } from '../sim-kit.js';
import { checkSignature, type Refusal, type SigningKeys } from './sigv4.js';

export const S3_SIM_KEYS: SigningKeys = { accessKeyId: 'AKIASIMULATOR0000001', secretAccessKey: 'simulated/secret/key/0123456789abcdefghij', region: 'us-east-1' };
export const S3_SIM_BUCKET = 'aigate-images';

export interface S3Object {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

export interface S3Simulator extends Simulator {
  bucket: string;
  keys: SigningKeys;
  /** Objects by key (without the bucket). */
  objects: Map<string, S3Object>;
}

const STATUS_ERRORS: Record<number, [string, string]> = {
  403: ['AccessDenied', 'Access Denied'],
  404: ['NoSuchKey', 'The specified key does not exist.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|amp|apos|quot|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' } as Record<string, string>)[e]!,
  );

function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer): void {
  res.writeHead(status, headers);
  res.end(body);
}

function xml(res: ServerResponse, status: number, body: string, requestId: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text), 'x-amz-request-id': requestId });
  res.end(text);
}

function error(res: ServerResponse, req: IncomingMessage, refusal: Refusal, extra = ''): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  // HEAD answers carry no body, as S3's do: the status is all a client gets.
  if (req.method === 'HEAD') {
    res.writeHead(refusal.status, { 'x-amz-request-id': requestId });
    res.end();
    return;
  }
  xml(res, refusal.status, `<Error><Code>${refusal.code}</Code><Message>${escapeXml(refusal.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`, requestId);
}

/** DeleteObjects must prove its body's integrity: Content-MD5 or a flexible checksum S3 knows. */
function checkIntegrity(req: IncomingMessage, body: Buffer): Refusal | undefined {
  const md5 = req.headers['content-md5'];
  const crc = req.headers['x-amz-checksum-crc32'];
  if (md5 === undefined && crc === undefined) return { status: 400, code: 'InvalidRequest', message: 'Missing required header for this request: Content-MD5' };
  if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) return { status: 400, code: 'BadDigest', message: 'The Content-MD5 you specified did not match what we received.' };
  if (crc !== undefined) {
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(body));
    if (crc !== expected.toString('base64')) return { status: 400, code: 'BadDigest', message: 'The CRC32 you specified did not match the calculated checksum.' };
  }
  return undefined;
}

export async function startS3Simulator(options: { keys?: SigningKeys; bucket?: string } = {}): Promise<S3Simulator> {
  const keys = options.keys ?? S3_SIM_KEYS;
  const bucket = options.bucket ?? S3_SIM_BUCKET;
  const objects = new Map<string, S3Object>();

  const sim = await startSimulator(async (req, res, body, ctx) => {
    const fault = ctx.takeFault();
    if (fault?.kind === 'status') return error(res, req, { status: fault.status, code: STATUS_ERRORS[fault.status]?.[0] ?? 'InternalError', message: STATUS_ERRORS[fault.status]?.[1] ?? 'Injected failure.' });
    if (await ctx.applyTransportFault(fault, res, req, () => error(res, req, { status: 200, code: 'Garbage', message: 'not S3' }))) return;

    const refusal = await checkSignature(req, body, keys);
    if (refusal) return error(res, req, refusal);

    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    const params = new URLSearchParams(query);
    const [, bucketName = '', ...rest] = path.split('/');
    if (bucketName !== bucket) return error(res, req, { status: 404, code: 'NoSuchBucket', message: 'The specified bucket does not exist' }, `<BucketName>${escapeXml(bucketName)}</BucketName>`);
    const key = rest.map(decodeURIComponent).join('/');

    if (req.method === 'POST' && key === '' && params.has('delete')) {
      const integrity = checkIntegrity(req, body);
      if (integrity) return error(res, req, integrity);
      const text = body.toString('utf8');
      const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(text);
      const deleted = [...text.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescapeXml(m[1]!));
      if (deleted.length === 0 || deleted.length > 1000) return error(res, req, { status: 400, code: 'MalformedXML', message: 'The XML you provided was not well-formed or did not validate against our published schema.' });
      // S3 reports a key that did not exist as deleted, too.
      for (const k of deleted) objects.delete(k);
      const entries = quiet ? '' : deleted.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`).join('');
      return xml(res, 200, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${entries}</DeleteResult>`, randomBytes(8).toString('hex'));
    }
    if (key === '') return error(res, req, { status: 501, code: 'NotImplemented', message: 'Bucket operations are not simulated.' });

    if (req.method === 'PUT') {
      const etag = `"${createHash('md5').update(body).digest('hex')}"`;
      objects.set(key, { body, contentType: req.headers['content-type'] ?? 'binary/octet-stream', etag, lastModified: new Date() });
      return send(res, 200, { etag, 'content-length': 0 });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const object = objects.get(key);
      if (!object) return error(res, req, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' }, `<Key>${escapeXml(key)}</Key>`);
      const headers = { 'content-type': object.contentType, 'content-length': object.body.length, etag: object.etag, 'last-modified': object.lastModified.toUTCString() };
      return send(res, 200, headers, req.method === 'GET' ? object.body : undefined);
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      return send(res, 204, {});
    }
    return error(res, req, { status: 405, code: 'MethodNotAllowed', message: 'The specified method is not allowed against this resource.' });
  });
  return Object.assign(sim, { bucket, keys, objects });
}
