/**
 * @module Checks an S3 request's AWS Signature Version 4 the way S3 does: the Authorization header
 * parsed, its credential scope checked against the simulator's key and region, the request's age
 * bounded, and the signature recomputed over exactly the headers the client said it signed, with
 * the signer the SDK itself uses (@smithy/signature-v4; S3 signs the path as sent, unescaped again).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 */
import { createHash, createHmac, timingSafeEqual, type Hash as NodeHash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Hash, SourceData } from '@smithy/types';

/** S3 refuses requests more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60_000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** node:crypto behind the hash interface the signer wants: SHA-256, or HMAC-SHA-256 with a secret. */
class Sha256 implements Hash {
  private hash: NodeHash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** An S3 error the simulator answers with: its status, `Code` and `Message`. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export interface SigningKeys {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const refuse = (status: number, code: string, message: string): Refusal => ({ status, code, message });

/** @returns why S3 would refuse the request, or undefined when its signature holds. */
export async function checkSignature(req: IncomingMessage, body: Buffer, keys: SigningKeys, now = Date.now()): Promise<Refusal | undefined> {
  const header = req.headers.authorization;
  if (header === undefined) return refuse(403, 'AccessDenied', 'Access Denied');
  const auth = AUTHORIZATION.exec(header);
  if (!auth) return refuse(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  const [, accessKeyId, scopeDate, region, service, signedList, signature] = auth as unknown as string[];
  if (accessKeyId !== keys.accessKeyId) return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (service !== 's3') return refuse(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; incorrect service "${service}". This endpoint belongs to "s3".`);
  if (region !== keys.region) return refuse(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${region}' is wrong; expecting '${keys.region}'`);

  const amzDate = AMZ_DATE.exec(String(req.headers['x-amz-date'] ?? ''));
  if (!amzDate) return refuse(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const [, y, mo, d, h, mi, s] = amzDate.map(Number) as number[];
  const signingDate = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (`${amzDate[1]}${amzDate[2]}${amzDate[3]}` !== scopeDate) return refuse(403, 'SignatureDoesNotMatch', 'The credential date does not match the request date.');
  if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) return refuse(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');

  const payloadHash = req.headers['x-amz-content-sha256'];
  if (typeof payloadHash !== 'string') return refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    if (createHash('sha256').update(body).digest('hex') !== payloadHash) {
      return refuse(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  } else if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    // Chunked (STREAMING-...) uploads: the station's client never sends them.
    return refuse(501, 'NotImplemented', `x-amz-content-sha256 "${payloadHash}" is not supported by this simulator`);
  }

  const signed = signedList!.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date') || !signed.includes('x-amz-content-sha256')) {
    return refuse(400, 'AuthorizationHeaderMalformed', 'SignedHeaders must include host, x-amz-date and x-amz-content-sha256.');
  }
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = req.headers[name];
    if (value === undefined) return refuse(403, 'SignatureDoesNotMatch', `Signed header ${name} is missing from the request.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const [path = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  const signer = new SignatureV4({
    service: 's3',
    region: keys.region,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host!.split(':')[0]!, path, query, headers, body },
    { signingDate, signableHeaders: new Set(signed) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  if (expected.length !== signature!.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature!))) {
    return refuse(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return undefined;
}
