/**
 * @module The Stability-compatible public API, mounted under both `/sd` (the seed's) and the root
 * (Stability's own paths, so a client that only swaps the host works). Nothing parses bodies
 * here (see app.ts): generation routes stream their multipart body themselves.
 */
import type { FastifyInstance } from 'fastify';
import { registerAccountV1 } from './account-v1.js';
import { registerGenerate, type GenerateRouteDeps } from './generate-route.js';
import { SD3_FILE_FIELDS, sd3Catalogue, validateSd3 } from './validate-sd3.js';
import { CORE_FILE_FIELDS, ULTRA_FILE_FIELDS, validateUltraOrCore } from './validate-ultra-core.js';

export const STABILITY_PREFIXES = ['/sd', ''] as const;

export async function stabilityRoutes(app: FastifyInstance, deps: GenerateRouteDeps) {
  const catalogue = sd3Catalogue(deps.config.models);
  registerGenerate(app, deps, STABILITY_PREFIXES, { endpoint: 'sd3', fileFields: SD3_FILE_FIELDS, validate: (form) => validateSd3(form, catalogue) });
  // ultra and core are one model each, priced as their endpoint (spec §8).
  for (const [endpoint, fileFields] of [['ultra', ULTRA_FILE_FIELDS], ['core', CORE_FILE_FIELDS]] as const) {
    const model = deps.config.models.get(endpoint);
    if (model) registerGenerate(app, deps, STABILITY_PREFIXES, { endpoint, fileFields, validate: (form) => validateUltraOrCore(form, model) });
  }
  registerAccountV1(app, deps, STABILITY_PREFIXES);
}
