/**
 * @module Builds a station for tests: in-memory SQLite, silent logs, and optionally a stand-in
 * provider whose calls are counted, so a test can assert the upstream was never reached.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import { createApiKey, type KeyOptions } from '../../src/auth/create-key.js';
import { parseCredits } from '../../src/billing/credits.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { randomBytes } from 'node:crypto';
import { staticRouter, type ChannelRouter } from '../../src/channels/router.js';
import { secretBox, type SecretBox } from '../../src/channels/secret-box.js';
import type { GenerationRequest, GenerationResult, Provider, ProviderCallContext } from '../../src/providers/provider.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { solidImage } from './images.js';

export interface CountingProvider extends Provider {
  calls: GenerationRequest[];
}

/** A provider that answers a small PNG at once, or runs `behaviour` instead. */
export function countingProvider(
  behaviour?: (request: GenerationRequest, ctx: ProviderCallContext) => Promise<GenerationResult>,
): CountingProvider {
  const calls: GenerationRequest[] = [];
  return {
    calls,
    async generate(request, ctx) {
      calls.push(request);
      if (behaviour) return behaviour(request, ctx);
      return { bytes: await solidImage('png', 64, 64), format: 'png', seed: request.seed || 42, finishReason: 'SUCCESS' };
    },
  };
}

export const routerFor = (provider: Provider, name = 'test'): ChannelRouter =>
  staticRouter([{ id: `ch_${name}`, name, provider, priority: 0, weight: 1, maxConcurrency: null, timeoutMs: 60_000, models: null }]);

export interface TestStation {
  app: FastifyInstance;
  store: Store;
  config: Config;
  secrets: SecretBox;
  /** Resolves once the request's usage-log row is written (rows are written after the response). */
  usageLogged(requestId: string): Promise<void>;
  /** Creates a key; `credits` is a decimal string like "6.5". */
  key(options?: Omit<KeyOptions, 'credits'> & { credits?: string }): Promise<{ id: string; plaintext: string }>;
  close(): Promise<void>;
}

export async function testStation(
  options: {
    env?: Record<string, string>;
    router?: ChannelRouter;
    /** A store to use instead of a fresh in-memory SQLite one (e.g. PostgreSQL); closed with the station. */
    store?: Store;
  } & Partial<Pick<AppDeps, 'now' | 'onSettled' | 'limiter' | 'gate' | 'breakers' | 'draining' | 'shutdown' | 'metricsToken' | 'redisPing' | 'logStream' | 'onUsageLogged'>> = {},
): Promise<TestStation> {
  // Images are not kept unless a test asks (AIGATE_IMAGE_STORE): the default disk store would write under ./data.
  const config = loadConfig({ AIGATE_LOG_LEVEL: 'silent', AIGATE_IMAGE_STORE: 'off', ...options.env });
  const store = options.store ?? (await openStore({ sqlitePath: ':memory:', now: options.now }));
  const secrets = secretBox(randomBytes(32));
  const logged = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  const onUsageLogged = (requestId: string) => {
    logged.add(requestId);
    for (const resolve of waiting.get(requestId) ?? []) resolve();
    options.onUsageLogged?.(requestId);
  };
  const app = await buildApp({ config, store, secrets, router: options.router, now: options.now, onSettled: options.onSettled, limiter: options.limiter, gate: options.gate, breakers: options.breakers, draining: options.draining, shutdown: options.shutdown, metricsToken: options.metricsToken, redisPing: options.redisPing, logStream: options.logStream, onUsageLogged });
  await app.ready();
  return {
    app,
    store,
    config,
    secrets,
    usageLogged: (requestId) =>
      logged.has(requestId) ? Promise.resolve() : new Promise((resolve) => waiting.set(requestId, [...(waiting.get(requestId) ?? []), resolve])),
    async key(keyOptions = {}) {
      const { key, plaintext } = await createApiKey(store, { ...keyOptions, credits: parseCredits(keyOptions.credits ?? '100') });
      return { id: key.id, plaintext };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
