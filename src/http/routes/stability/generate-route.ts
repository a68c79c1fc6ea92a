/**
 * @module POST {/sd,}/v2beta/stable-image/generate/<endpoint>: a declared chain of guards, the
 * multipart body, the endpoint's validation, then the generation use case (spec §1-§10).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Endpoint, GenerationRequest } from '../../../providers/provider.js';
import { generateImage, type GenerateDeps } from '../../../generation/generate-image.js';
import { authenticate, declaredBodyLimit, ipRateLimit, keyRateLimit, type GuardDeps } from '../../hooks/guards.js';
import { multipartBody, requireMultipart } from '../../hooks/multipart-body.js';
import type { MultipartForm } from '../../multipart/read-form.js';
import type { RequestSignals } from '../../abort-signal.js';
import { sendImage } from './respond.js';

export interface GenerateEndpoint {
  endpoint: Endpoint;
  /** File parts this endpoint reads; any other file is drained unread. */
  fileFields: ReadonlySet<string>;
  validate(form: MultipartForm): Promise<GenerationRequest>;
}

export interface GenerateRouteDeps extends GuardDeps, GenerateDeps {
  /** Each generation's signal: the client hanging up, or the shutdown grace running out (503). */
  requestSignal: RequestSignals;
}

export function registerGenerate(app: FastifyInstance, deps: GenerateRouteDeps, prefixes: readonly string[], spec: GenerateEndpoint) {
  for (const prefix of prefixes) {
    app.post(`${prefix}/v2beta/stable-image/generate/${spec.endpoint}`, {
      config: { usageEndpoint: spec.endpoint },
      onRequest: [ipRateLimit(deps), authenticate(deps), keyRateLimit(deps), declaredBodyLimit(deps), requireMultipart],
      preValidation: [multipartBody(deps.config.bodyLimitBytes, spec.fileFields)],
      preHandler: [
        async function validate(request: FastifyRequest) {
          request.generation = await spec.validate(request.form!);
        },
      ],
      handler: async function generate(request: FastifyRequest, reply: FastifyReply) {
        const form = request.form!;
        // Moderation screens what the client sent, including text a model will ignore.
        const screened = [form.fields.get('prompt'), form.fields.get('negative_prompt')];
        const ctx = { requestId: request.id, signal: deps.requestSignal(reply), trace: request.trace!, screened };
        const { result, channel } = await generateImage(deps, request.apiKey!, request.generation!, ctx);
        return sendImage(reply, result, channel, request.headers.accept, deps.config.images.store !== 'off');
      },
    });
  }
}
