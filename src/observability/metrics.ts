/**
 * @module The station's Prometheus metrics: one registry per app (tests build many apps in one
 * process), fed by request hooks, by the generation trace and by settled credit holds. Circuit
 * states are read at scrape time, so they are never stale. GET /metrics is in metrics-route.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitBreakers, CircuitState } from '../channels/circuit-breaker.js';
import type { ChannelRouter } from '../channels/router.js';
import type { SettledHold } from '../generation/generate-image.js';
import { onHangUp, unfinishedOutcome } from '../http/hang-up.js';
import { processRegistry } from './process-metrics.js';

/** Generations may run up to a channel's 10-minute timeout, so the buckets reach that far. */
const SLOW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };
/** nginx's code for a client that left before its answer, as in the usage log. */

export interface CircuitSources {
  router: ChannelRouter;
  breakers: CircuitBreakers;
}

export interface StationMetrics {
  /** What GET /metrics serves: this app's metrics and the process's. */
  readonly registry: Registry;
  /** Counts credits captured and released; chain it into GenerateDeps.onSettled. */
  onSettled(event: SettledHold): void;
  /** Request hooks. Install before any hook that may refuse a request, so every request counts. */
  install(app: FastifyInstance): void;
  /** Where the circuit gauge reads channels and their states when scraped. */
  watchCircuits(sources: CircuitSources): void;
  /** Counts a request refused before routing (a malformed URL), which no hook sees. */
  refusedBeforeRouting(method: string, status: number): void;
}

/** The route pattern, never the raw URL, so a scanner cannot mint a label per path it tries. */
export const routeLabel = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';

export function stationMetrics(): StationMetrics {
  const own = new Registry();
  const registers = [own];
  const requests = new Counter({ name: 'aigate_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status (499: the client left).', labelNames: ['route', 'method', 'status'], registers });
  const duration = new Histogram({ name: 'aigate_http_request_duration_seconds', help: 'Time from request to response sent, by route pattern.', labelNames: ['route'], buckets: SLOW_BUCKETS, registers });
  const generations = new Counter({ name: 'aigate_generations_total', help: 'Requests to generation endpoints, by endpoint, model, serving channel and status.', labelNames: ['endpoint', 'model', 'channel', 'status'], registers });
  const attempts = new Counter({ name: 'aigate_channel_attempts_total', help: 'Upstream calls, by channel and outcome (ok, a failure kind, or an error name).', labelNames: ['channel', 'outcome'], registers });
  const attemptDuration = new Histogram({ name: 'aigate_channel_attempt_duration_seconds', help: 'Upstream call latency, by channel.', labelNames: ['channel'], buckets: SLOW_BUCKETS, registers });
  const captured = new Counter({ name: 'aigate_credits_captured_total', help: 'Credits charged for delivered images.', registers });
  const released = new Counter({ name: 'aigate_credits_released_total', help: 'Credits held and given back because no image was delivered.', registers });
  const inFlight = new Gauge({ name: 'aigate_requests_in_flight', help: 'Requests received and not yet answered (a scrape counts itself).', registers });
  let circuits: CircuitSources | undefined;
  new Gauge({
    name: 'aigate_circuit_state',
    help: 'Circuit breaker state per channel in service: 0 closed, 1 half-open, 2 open.',
    labelNames: ['channel'],
    registers,
    async collect() {
      // Rebuilt at each scrape: a removed or disabled channel must not linger with its last state.
      this.reset();
      if (!circuits?.router.channels) return;
      const { router, breakers } = circuits;
      // A store or Redis outage must not fail the whole scrape: the channels it hides just go unreported.
      const channels = await router.channels!().catch(() => []);
      await Promise.all(
        channels.map(async (channel) => {
          const state = await breakers.state(channel.id).catch(() => undefined);
          if (state) this.set({ channel: channel.name }, CIRCUIT_VALUE[state]);
        }),
      );
    },
  });

  function answered(request: FastifyRequest, reply: FastifyReply, status: number) {
    const route = routeLabel(request);
    requests.inc({ route, method: request.method, status });
    duration.observe({ route }, reply.elapsedTime / 1000);
    const endpoint = request.routeOptions.config?.usageEndpoint;
    const trace = request.trace;
    if (!endpoint || !trace) return;
    generations.inc({ endpoint, model: trace.model ?? '', channel: trace.channel ?? '', status });
    for (const attempt of trace.attempts) {
      attempts.inc({ channel: attempt.channel, outcome: attempt.outcome });
      attemptDuration.observe({ channel: attempt.channel }, attempt.latencyMs / 1000);
    }
  }

  // Exactly one of onResponse and the hang-up fires per request; the flag guards the gauge anyway.
  const open = new WeakSet<FastifyRequest>();
  const done = (request: FastifyRequest) => open.delete(request) && inFlight.dec();

  return {
    registry: Registry.merge([own, processRegistry()]),
    onSettled(event) {
      (event.captured ? captured : released).inc(event.amount / 1000);
    },
    install(app) {
      app.addHook('onRequest', async function countRequest(request, reply) {
        open.add(request);
        inFlight.inc();
        onHangUp(reply.raw, () => {
          done(request);
          // A generation's attempts are final only once its hold is settled, as in the usage log.
          void (request.trace?.settled ?? Promise.resolve()).then(() => answered(request, reply, unfinishedOutcome(request).status));
        });
      });
      // Synchronous on purpose: counted before the response's promise resolves for an injected request.
      app.addHook('onResponse', async function countResponse(request, reply) {
        done(request);
        answered(request, reply, reply.statusCode);
      });
    },
    watchCircuits(sources) {
      circuits = sources;
    },
    refusedBeforeRouting(method, status) {
      requests.inc({ route: 'unmatched', method, status });
    },
  };
}
