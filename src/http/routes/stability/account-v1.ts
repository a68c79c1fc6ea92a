/**
 * @module Stability's v1 account endpoints for the calling key (spec §11): balance, account and the
 * engine list. Their errors use the v1 shape `{id, name, message}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { creditsNumber } from '../../../billing/credits.js';
import { authenticate, ipRateLimit, keyRateLimit, type GuardDeps } from '../../hooks/guards.js';

export function registerAccountV1(app: FastifyInstance, deps: GuardDeps, prefixes: readonly string[]) {
  const chain = { config: { errorShape: 'v1' as const }, onRequest: [ipRateLimit(deps), authenticate(deps), keyRateLimit(deps)] };
  const engines = [...deps.config.models.values()].map((m) => ({ id: m.id, name: m.id, description: m.description, type: 'PICTURE' }));

  for (const prefix of prefixes) {
    app.get(`${prefix}/v1/user/balance`, chain, async (request: FastifyRequest) => {
      // Credits held by generations in flight are not spendable, so they are not reported.
      const key = request.apiKey!;
      return { credits: creditsNumber(key.balance - key.held) };
    });
    app.get(`${prefix}/v1/user/account`, chain, async (request: FastifyRequest) => {
      const key = request.apiKey!;
      return { id: key.id, email: `${key.id}@aigate.invalid`, profile_picture: '', organizations: [] };
    });
    app.get(`${prefix}/v1/engines/list`, chain, async () => engines);
  }
}
