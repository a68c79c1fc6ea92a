/** @module Reads a generation route's multipart body into `request.form`, or refuses it (spec §3). */
import type { FastifyRequest, onRequestHookHandler, preValidationHookHandler } from 'fastify';
import { badRequest } from '../../errors.js';
import { readMultipartForm } from '../multipart/read-form.js';

const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

/**
 * Text fields are at most 10,000 characters; 4 bytes each in UTF-8 is the worst case. One byte
 * more, because busboy marks a field truncated as soon as it reaches the limit exactly.
 */
const FIELD_BYTES = 40_000 + 1;

/** In the admission chain, before the body: any other content type is a 400 (spec §3). */
export const requireMultipart: onRequestHookHandler = async function requireMultipart(request: FastifyRequest) {
  if (!MULTIPART.test(request.headers['content-type'] ?? '')) throw badRequest(['content-type: must be multipart/form-data']);
};

export function multipartBody(limitBytes: number, fileFields: ReadonlySet<string>): preValidationHookHandler {
  return async function multipartBody(request: FastifyRequest) {
    request.form = await readMultipartForm(request.raw, { limitBytes, fieldBytes: FIELD_BYTES, fileFields });
  };
}
