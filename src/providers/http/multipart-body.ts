/**
 * @module Encodes a multipart/form-data body into one Buffer, built once per upstream call, so the
 * upstream client can send it with a content-length (no chunking) and tell when it was all sent.
 */
import { randomUUID } from 'node:crypto';

export type FormPart =
  | { name: string; value: string }
  | { name: string; file: Buffer; filename: string; contentType: string };

export interface EncodedForm {
  body: Buffer;
  contentType: string;
}

const quote = (text: string) => text.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));

export function encodeMultipart(parts: readonly FormPart[]): EncodedForm {
  // Unguessable, so no prompt can carry it. randomUUID draws from a pooled buffer; randomBytes is a
  // call into OpenSSL per request.
  const boundary = `----aigate${randomUUID().replaceAll('-', '')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('file' in part) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"\r\n` +
            `content-type: ${part.contentType}\r\n\r\n`,
        ),
        part.file,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${quote(part.name)}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
