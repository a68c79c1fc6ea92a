/**
 * @module Sends one generation to the channels in the router's order, failing over only where a
 * second attempt cannot pay for a second image: before the request reached an upstream, or when
 * the upstream said it failed (429, 5xx). A timeout after the request was sent, or an answer that
 * broke off, ends the request (504, 502). A refusal that is the caller's fault goes back as is.
 */
import type { CircuitBreakers } from '../channels/circuit-breaker.js';
import type { ConcurrencyGate } from '../channels/concurrency-gate.js';
import type { ChannelRouter, RoutedChannel } from '../channels/router.js';
import { GatewayError, noChannelAvailable, upstreamError, upstreamTimeout } from '../errors.js';
import type { GenerationRequest, ProviderAnswer } from '../providers/provider.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import type { UsageAttempt } from '../store/store.js';
import { deadline } from './deadline.js';
import { verdictStage } from './stream-verdict.js';

export interface DispatchDeps {
  router: ChannelRouter;
  breakers: CircuitBreakers;
  gate: ConcurrencyGate;
  now: () => number;
  /** Told about failures the client does not see in detail (the operator's log). */
  onAttemptFailed?: (channel: RoutedChannel, error: unknown) => void;
}

export interface Dispatched {
  /** A stream when the channel passes the image through (its slot is free once the head is in). */
  result: ProviderAnswer;
  channel: string;
}

/**
 * Bookkeeping after an upstream call (a breaker verdict, a concurrency slot back) must never
 * change the request's outcome: with a shared store down, the image is still delivered; the slot
 * comes back when its lease ends and the breaker misses one verdict.
 */
async function afterCall(deps: DispatchDeps, channel: RoutedChannel, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    try {
      deps.onAttemptFailed?.(channel, error);
    } catch {
      // An observer's fault must not change the request's outcome either.
    }
  }
}

/** The error that ends the request when `failure` cannot be retried elsewhere. */
const finalError = (failure: UpstreamFailure) =>
  Object.assign(failure.kind === 'timeout' || failure.proxyTimeout ? upstreamTimeout() : upstreamError(), { cause: failure });

async function attempt(deps: DispatchDeps, channel: RoutedChannel, request: GenerationRequest, signal: AbortSignal, attempts: UsageAttempt[]) {
  const started = deps.now();
  const record = (status: number | null, outcome: string) => attempts.push({ channel: channel.name, status, outcome, latencyMs: deps.now() - started });
  // The timeout also bounds a passed-through image's body: the call lasts until its flow closes.
  const call = deadline(signal, channel.timeoutMs);
  let handedOn = false;
  try {
    const callCtx = { signal: call.signal };
    const result = channel.provider.stream ? await channel.provider.stream(request, callCtx) : await channel.provider.generate(request, callCtx);
    record(200, 'ok');
    if ('stream' in result) {
      // The breaker hears about a streamed image when it ends (stream-verdict.ts).
      const verdicts = {
        success: () => afterCall(deps, channel, () => deps.breakers.success(channel.id)),
        failure: async (failure: UpstreamFailure) => {
          await afterCall(deps, channel, () => deps.breakers.failure(channel.id));
          await afterCall(deps, channel, async () => deps.onAttemptFailed?.(channel, failure));
        },
        abandon: () => afterCall(deps, channel, () => deps.breakers.abandon(channel.id)),
      };
      result.stream.use(verdictStage(verdicts)).use({ close: call.dispose });
      handedOn = true;
      return result;
    }
    await afterCall(deps, channel, () => deps.breakers.success(channel.id));
    return result;
  } catch (error) {
    if (signal.aborted) {
      record(null, 'client_closed_request');
      await afterCall(deps, channel, () => deps.breakers.abandon(channel.id));
      throw signal.reason;
    }
    if (error instanceof GatewayError) {
      // The upstream worked and refused the caller's request: healthy, and not ours to retry.
      record(error.status, error.code);
      await afterCall(deps, channel, () => deps.breakers.success(channel.id));
      throw error;
    }
    const failure = error instanceof UpstreamFailure ? error : new UpstreamFailure('broken', 'the adapter failed unexpectedly', true, undefined, { cause: error });
    record(failure.status ?? null, failure.kind);
    // The breaker first: a probe's verdict must land even if the observer below throws.
    await afterCall(deps, channel, () => deps.breakers.failure(channel.id));
    await afterCall(deps, channel, async () => deps.onAttemptFailed?.(channel, error));
    if (failure.kind === 'credentials') {
      await deps.router.disable(channel.id, `credentials refused by the upstream (HTTP ${failure.status ?? '?'}) at ${new Date(deps.now()).toISOString()}`);
    }
    throw failure;
  } finally {
    if (!handedOn) call.dispose();
  }
}

/**
 * @throws GatewayError: the upstream's refusal of the caller (as is), 502, 503 or 504; or the
 * client's abort reason.
 */
export async function dispatch(deps: DispatchDeps, request: GenerationRequest, ctx: { signal: AbortSignal; attempts: UsageAttempt[] }): Promise<Dispatched> {
  const candidates = await deps.router.candidates(request.model);
  let tried = 0;
  let last: UpstreamFailure | undefined;
  for (const channel of candidates) {
    if (!(await deps.gate.tryAcquire(channel.id, channel.maxConcurrency))) continue;
    try {
      if (!(await deps.breakers.allow(channel.id))) continue;
      tried += 1;
      return { result: await attempt(deps, channel, request, ctx.signal, ctx.attempts), channel: channel.name };
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      if (!error.retryable) throw finalError(error);
      last = error;
    } finally {
      await afterCall(deps, channel, () => deps.gate.release(channel.id));
    }
  }
  if (tried === 0) throw noChannelAvailable(request.model);
  throw Object.assign(upstreamError(), { cause: last });
}
