/**
 * @module Liveness and readiness for orchestrators and load balancers. /healthz answers while the
 * process runs (restart me if this fails); /readyz answers 200 only when the station can serve:
 * its store answers a query, Redis (when configured) answers PING, and it is not draining, so a
 * load balancer stops sending to a replica that cannot charge, limit or is going away.
 */
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.js';
import type { Store } from '../store/store.js';

/** Longer than any healthy answer, shorter than a probe's usual timeout, so /readyz itself answers. */
const CHECK_TIMEOUT_MS = 2_000;

export interface ReadinessDeps {
  store: Store;
  /** Absent when Redis is not configured. */
  redisPing?: () => Promise<unknown>;
  draining?: AbortSignal;
}

type CheckResult = 'ok' | 'failing' | 'not configured';

/** Runs one probe, bounded in time: a store waiting on a full pool must not hang the probe. */
async function check(probe: (() => Promise<unknown>) | undefined, onFailure: (error: unknown) => void): Promise<CheckResult> {
  if (!probe) return 'not configured';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch (error) {
    onFailure(error);
    return 'failing';
  } finally {
    clearTimeout(timer);
  }
}

/** 503 in the station's error shape, one entry per failing check. Causes go to the log, not out. */
const notReady = (failing: readonly string[]) =>
  new GatewayError(
    'service_unavailable',
    failing.map((name) => `${name}: not ready`),
    { headers: { 'retry-after': '5' } },
  );

export function registerHealth(app: FastifyInstance, deps: ReadinessDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async function readiness(request) {
    // The app's own hook already refuses requests while draining; this keeps /readyz right even
    // if probes are ever exempted from it.
    if (deps.draining?.aborted) throw notReady(['station']);
    const log = (name: string) => (error: unknown) => request.log.warn({ err: error, check: name }, 'readiness check failed');
    // Any query proves the store answers; a setting lookup is the cheapest the interface offers.
    const [store, redis] = await Promise.all([check(() => deps.store.settings.get('readyz'), log('store')), check(deps.redisPing, log('redis'))]);
    const checks = { store, redis };
    const failing = Object.entries(checks).flatMap(([name, result]) => (result === 'failing' ? [name] : []));
    if (failing.length > 0) throw notReady(failing);
    return { status: 'ready', checks };
  });
}
