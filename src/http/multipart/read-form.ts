/**
 * @module Streams a multipart/form-data body through busboy with the whole-body cap counted on
 * the wire, so a chunked upload is cut off at the limit instead of being buffered (spec §3).
 * Text fields are capped small; only file parts may be large.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { badRequest, clientClosedRequest, GatewayError, payloadTooLarge } from '../../errors.js';

export interface FilePart {
  bytes: Buffer;
  filename: string;
  mimeType: string;
}

export interface MultipartForm {
  fields: Map<string, string>;
  files: Map<string, FilePart>;
  /** Names sent more than once (spec §3: a 400 naming the field). */
  duplicates: Set<string>;
  /** Text fields longer than the text cap; reported as too long by validation. */
  truncated: Set<string>;
  /** Every name that arrived as a file part, kept or not, to tell a file from a text field. */
  fileNames: Set<string>;
}

export interface ReadFormOptions {
  limitBytes: number;
  /** Bytes per text field; longer ones are cut and marked truncated. */
  fieldBytes: number;
  /** Part names whose files are kept; other files are drained unread. */
  fileFields: ReadonlySet<string>;
}

const malformed = () => badRequest(['body: malformed multipart/form-data']);

export function readMultipartForm(raw: IncomingMessage, options: ReadFormOptions): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: raw.headers,
        defParamCharset: 'utf8',
        limits: { fieldSize: options.fieldBytes, fields: 100, files: 10, parts: 110, fileSize: options.limitBytes, headerPairs: 100 },
      });
    } catch {
      reject(badRequest(['content-type: must be multipart/form-data with a boundary']));
      return;
    }
    const form: MultipartForm = { fields: new Map(), files: new Map(), duplicates: new Set(), truncated: new Set(), fileNames: new Set() };
    const seen = new Set<string>();
    let settled = false;
    let received = 0;

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      raw.off('data', count);
      if (error) {
        // Stop parsing; the error reply decides what happens to the rest of the body.
        raw.unpipe(parser);
        reject(error);
      } else resolve(form);
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.limitBytes) finish(payloadTooLarge());
    };
    const noteName = (name: string) => {
      if (seen.has(name)) form.duplicates.add(name);
      seen.add(name);
    };

    parser.on('field', (name, value, info) => {
      noteName(name);
      if (info.valueTruncated) form.truncated.add(name);
      if (!form.fields.has(name)) form.fields.set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      noteName(name);
      form.fileNames.add(name);
      // busboy destroys an open file stream when the body ends inside it; unheard, that error
      // would be thrown as an uncaught 'error' event and take the whole process down.
      stream.on('error', () => finish(malformed()));
      if (!options.fileFields.has(name) || form.files.has(name)) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => form.files.set(name, { bytes: Buffer.concat(chunks), filename: info.filename ?? '', mimeType: info.mimeType }));
    });
    parser.on('partsLimit', () => finish(badRequest(['body: too many parts'])));
    parser.on('filesLimit', () => finish(badRequest(['body: too many files'])));
    parser.on('fieldsLimit', () => finish(badRequest(['body: too many fields'])));
    parser.on('error', () => finish(malformed()));
    parser.on('close', () => finish());
    raw.on('aborted', () => finish(clientClosedRequest()));
    raw.on('error', (error) => finish(error instanceof GatewayError ? error : clientClosedRequest()));
    raw.on('data', count);
    raw.pipe(parser);
  });
}
