/**
 * @module Typed per-request state. Declared up front (Fastify decorators with null) so every
 * request object keeps one shape.
 */
import type { FastifyInstance } from 'fastify';
import type { GenerationTrace } from '../generation/generate-image.js';
import type { GenerationRequest, GenerationResult } from '../providers/provider.js';
import type { ApiKeyRecord } from '../store/store.js';
import type { MultipartForm } from './multipart/read-form.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authenticate hook. */
    apiKey: ApiKeyRecord | null;
    /** Set by the multipart hook. */
    form: MultipartForm | null;
    /** Set by the route's validation step. */
    generation: GenerationRequest | null;
    /** What the usage log records about this request. */
    trace: GenerationTrace | null;
    /** The error name this request was answered with, for the usage log. */
    errorName: string | null;
    /**
     * The image this request was answered with (a reference, never a copy), set as the 200 is
     * sent; the usage log keeps it in the image store once the response is out.
     */
    delivered: Pick<GenerationResult, 'bytes' | 'format'> | null;
  }
  interface FastifyContextConfig {
    /** v1 endpoints answer errors as `{id, name, message}` (spec §11). */
    errorShape?: 'v1' | 'v2';
    /** Generation routes write a usage-log row for every request. */
    usageEndpoint?: string;
  }
}

export function decorateRequestState(app: FastifyInstance): void {
  app.decorateRequest('apiKey', null);
  app.decorateRequest('form', null);
  app.decorateRequest('generation', null);
  app.decorateRequest('trace', null);
  app.decorateRequest('errorName', null);
  app.decorateRequest('delivered', null);
}
