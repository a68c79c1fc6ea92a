/**
 * @module Builds multipart/form-data bodies byte by byte, so tests control exactly what goes on
 * the wire (duplicates, files for text fields, broken framing).
 */
export type Part =
  | { name: string; value: string }
  | { name: string; file: Buffer; filename?: string; contentType?: string };

export interface Multipart {
  body: Buffer;
  contentType: string;
}

export function multipart(parts: readonly Part[] | Record<string, string>, boundary = 'aigate-test-boundary-7MA4YWxkTrZu0gW'): Multipart {
  const list: readonly Part[] = Array.isArray(parts) ? parts : Object.entries(parts).map(([name, value]) => ({ name, value }));
  const chunks: Buffer[] = [];
  for (const part of list) {
    if ('file' in part) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename ?? 'upload.bin'}"\r\n` +
            `Content-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        part.file,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
