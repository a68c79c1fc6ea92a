/**
 * @module Builds the station's HTTP app from its dependencies; never listens. Tests drive what this
 * returns with `inject()` or on an ephemeral port; src/main.ts listens.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { priceBook } from './admin/price-book.js';
import type { Config } from './config/config.js';
import { memoryCircuitBreakers, type CircuitBreakers } from './channels/circuit-breaker.js';
import { memoryConcurrencyGate, type ConcurrencyGate } from './channels/concurrency-gate.js';
import { storeRouter, type ChannelRouter } from './channels/router.js';
import type { SecretBox } from './channels/secret-box.js';
import type { GenerateDeps } from './generation/generate-image.js';
import { bannedWordsModerator } from './generation/moderation.js';
import { drainBounded } from './http/drain.js';
import { errorReply } from './http/error-body.js';
import { adminRoutes } from './http/routes/admin/index.js';
import { consoleRoutes } from './http/console/console-routes.js';
import { installNotFound } from './http/not-found.js';
import { openApiRoutes } from './http/openapi/routes.js';
import { requestSignals } from './http/abort-signal.js';
import { decorateRequestState } from './http/request-state.js';
import { stabilityRoutes } from './http/routes/stability/index.js';
import { installUsageLog } from './http/usage-log.js';
import { registerHealth } from './observability/health.js';
import { installHangUpLog, loggerOptions, StationLogController, type LogDestination } from './observability/logging.js';
import { registerMetricsRoute } from './observability/metrics-route.js';
import { stationMetrics } from './observability/metrics.js';
import { memoryRateLimiter, type RateLimiter } from './rate-limit/limiter.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  config: Config;
  store: Store;
  /** Opens channel credentials; built from the master key by the caller. */
  secrets: SecretBox;
  /** Default: the store's channels. */
  router?: ChannelRouter;
  breakers?: CircuitBreakers;
  gate?: ConcurrencyGate;
  limiter?: RateLimiter;
  now?: () => number;
  onSettled?: GenerateDeps['onSettled'];
  /** Aborted when the station starts to stop: from then on new requests are refused (its reason). */
  draining?: AbortSignal;
  /** Aborted when the shutdown grace runs out: generations still running end with its reason. */
  shutdown?: AbortSignal;
  // Observability (issue 5, src/observability/):
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>` (decision 58). */
  metricsToken?: string;
  /** Readiness asks Redis for PING through this; absent when Redis is not configured. */
  redisPing?: () => Promise<unknown>;
  /** Called once a request's usage row is written and its image kept (or given up). */
  onUsageLogged?: (requestId: string) => void;
  /** Where log lines go instead of stdout (tests capture them). */
  logStream?: LogDestination;
}

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Headers of an image answer, which an error answer must not carry. */
const IMAGE_HEADERS = ['content-type', 'content-length', 'finish-reason', 'seed'] as const;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store } = deps;
  const now = deps.now ?? Date.now;
  const metrics = stationMetrics();
  const app = Fastify({
    // Redacted JSON lines, one completion line per request with route, model, channel, credits.
    logger: config.logLevel === 'silent' ? false : loggerOptions(config.logLevel, deps.logStream),
    logController: new StationLogController(),
    genReqId: () => randomUUID().replaceAll('-', ''),
    // A hop count becomes the function proxy-addr understands: trust the first n hops only.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy && [...config.trustProxy],
    // Errors Fastify raises before routing (a malformed URL) still get our shape and request id.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const mapped = errorReply(error, request.id, 'v2');
      // No hook runs for these, so they are counted and logged here (the URL is not: it is malformed).
      metrics.refusedBeforeRouting(request.method, mapped.status);
      request.log.info({ method: request.method, route: 'unmatched', status: mapped.status, error: mapped.body.name }, 'request refused before routing');
      return reply.status(mapped.status).header('x-request-id', request.id).send(mapped.body);
    },
    // Our own hook answers requests that arrive while closing, in our shape (see `shutdown`).
    return503OnClosing: false,
    // Fastify turns Node's request timeout off; a client that stalls mid-upload must not hold a
    // connection forever. Two minutes is ample for 10 MiB on a slow line.
    requestTimeout: 120_000,
  });
  decorateRequestState(app);
  // Metrics hooks go first, so requests refused by any later hook (draining, limits) still count.
  metrics.install(app);
  installHangUpLog(app);

  app.addHook('onRequest', async function requestId(request, reply) {
    reply.header('x-request-id', request.id);
    request.trace = { credits: 0, attempts: [] };
    if (deps.draining?.aborted) throw deps.draining.reason;
  });
  app.setErrorHandler(function mapError(error, request, reply) {
    const shape = request.routeOptions.config?.errorShape ?? 'v2';
    const mapped = errorReply(error, request.id, shape);
    if (!mapped.expected) request.log.error({ err: error }, 'unexpected error');
    request.errorName = String(mapped.body.name);
    // The rest of a refused body is discarded (bounded) so the client reads this answer and the
    // connection stays usable; a 413 says `connection: close` itself.
    if (request.raw.complete === false && mapped.headers.connection !== 'close') drainBounded(request.raw, config.bodyLimitBytes);
    // A streamed image that failed before its first byte went out had set the image's headers.
    for (const name of IMAGE_HEADERS) reply.removeHeader(name);
    return reply.status(mapped.status).headers(mapped.headers).send(mapped.body);
  });
  installNotFound(app);
  // No body is parsed outside the scopes that declare a parser, so an unknown path or a wrong
  // method answers 404 or 405 whatever its body holds.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  installUsageLog(app, store, now, config.images, deps.onUsageLogged);

  const routeDeps = {
    config,
    store,
    now,
    limiter: deps.limiter ?? memoryRateLimiter(),
    router: deps.router ?? storeRouter(store, deps.secrets),
    breakers: deps.breakers ?? memoryCircuitBreakers({ failures: config.circuitFailures, cooldownMs: config.circuitCooldownSeconds * 1000, now }),
    gate: deps.gate ?? memoryConcurrencyGate(),
    onAttemptFailed: (channel: { name: string }, error: unknown) => app.log.warn({ channel: channel.name, err: error }, 'channel attempt failed'),
    moderator: bannedWordsModerator(store.bannedWords),
    models: config.models,
    // The operator's price overrides, re-read on every replica when they change.
    prices: priceBook(store.prices, config.models),
    holdLeaseSeconds: config.holdLeaseSeconds,
    // Credits captured and released feed the metrics before the caller's observer sees them.
    onSettled: (event: Parameters<typeof metrics.onSettled>[0]) => {
      metrics.onSettled(event);
      deps.onSettled?.(event);
    },
    requestSignal: requestSignals(deps.shutdown),
  };
  await app.register(stabilityRoutes, routeDeps);
  await app.register(adminRoutes, {
    prefix: '/admin/api',
    config,
    store,
    secrets: deps.secrets,
    limiter: routeDeps.limiter,
    breakers: routeDeps.breakers,
    gate: routeDeps.gate,
    now,
  });
  await app.register(consoleRoutes); // the operator console at /admin/ (static files in dist/console)
  // GET /openapi.json and /docs (issue 5): public, outside the generation routes' guards.
  await app.register(openApiRoutes, { config });
  // /healthz, /readyz and /metrics (issue 5).
  registerHealth(app, { store, redisPing: deps.redisPing, draining: deps.draining });
  metrics.watchCircuits({ router: routeDeps.router, breakers: routeDeps.breakers });
  registerMetricsRoute(app, metrics, deps.metricsToken);
  return app;
}
