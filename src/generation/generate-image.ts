/**
 * @module The generation use case: admit (permission, moderation, a credit hold), call a channel,
 * then capture the hold for the image that goes out or release it on every other outcome. No
 * transaction is open while a provider works; hold, capture and release are each their own.
 */
import type { PriceBook } from '../admin/price-book.js';
import type { ModelSpec } from '../config/models.js';
import { contentModeration, internalError, noChannelAvailable, paymentRequired, permissionDenied } from '../errors.js';
import type { GenerationRequest, ProviderAnswer } from '../providers/provider.js';
import type { ApiKeyRecord, Store, UsageAttempt } from '../store/store.js';
import { formatCredits } from '../billing/credits.js';
import { chargeStage, type Settlement } from './charge-on-arrival.js';
import { dispatch, type DispatchDeps } from './dispatch.js';
import type { Moderator } from './moderation.js';

export interface GenerateDeps extends DispatchDeps {
  store: Store;
  moderator: Moderator;
  models: ReadonlyMap<string, ModelSpec>;
  /** Prices with the operator's overrides (admin API); without it, the catalogue's. */
  prices?: PriceBook;
  holdLeaseSeconds: number;
  now: () => number;
  /**
   * Observes every settled hold; tests wait on it instead of sleeping, and the metrics count
   * credits captured and released from it (`amount`: the hold, in milli-credits).
   */
  onSettled?: (event: SettledHold) => void;
}

/** One credit hold, settled: captured (charged) or released (given back). */
export interface SettledHold {
  requestId: string;
  captured: boolean;
  /** Milli-credits held, so captured or released. */
  amount: number;
}

/** What the caller learns for the usage log, filled in as the request progresses. */
export interface GenerationTrace {
  model?: string;
  /** The channel that served the image, or the last one tried. */
  channel?: string;
  credits: number;
  /** Every channel tried, in order. */
  attempts: UsageAttempt[];
  /** Resolves once the request's hold is settled, so a log written after a hang-up is final. */
  settled?: Promise<unknown>;
  /** Set when a passed-through image broke off after its head went out (the client saw a cut connection). */
  cutShort?: { status: number; errorName: string };
}

export interface GenerateContext {
  requestId: string;
  signal: AbortSignal;
  trace: GenerationTrace;
  /**
   * The client's free text as sent, for moderation. It can differ from the request's: a negative
   * prompt that a distilled model ignores is still screened. Defaults to the request's texts.
   */
  screened?: readonly (string | undefined)[];
}

export interface Generated {
  /** A stream when the channel passes the image through: the charge is made as it ends (charge-on-arrival.ts). */
  result: ProviderAnswer;
  channel: string;
}

function admit(key: ApiKeyRecord, request: GenerationRequest): void {
  if (key.models && !key.models.includes(request.model)) {
    throw permissionDenied(`model: this key may not use ${request.model}`);
  }
}

/**
 * Generates one image for `key`, charging its price only if the image is delivered.
 * @throws GatewayError (403, 402, 502, 503...) or the abort reason when the client left.
 */
export function generateImage(deps: GenerateDeps, key: ApiKeyRecord, request: GenerationRequest, ctx: GenerateContext): Promise<Generated> {
  let settled!: () => void;
  ctx.trace.settled = new Promise<void>((resolve) => (settled = resolve));
  return admitAndGenerate(deps, key, request, ctx, settled);
}

/** Holds the price on the key. @throws 402 naming what is short (the balance, or the spending cap). */
async function holdPrice(deps: GenerateDeps, key: ApiKeyRecord, price: number, ctx: GenerateContext): Promise<string> {
  const hold = await deps.store.credits.hold(key.id, price, ctx.requestId, deps.now() + deps.holdLeaseSeconds * 1000);
  if (hold.ok) return hold.holdId;
  throw paymentRequired(
    hold.reason === 'cap_reached'
      ? `credits: this key's spending cap does not allow another ${formatCredits(price)} credits`
      : `credits: the balance is below this model's price of ${formatCredits(price)} credits`,
  );
}

/** How a hold ends: captured (the trace then carries the charge) or released; either is reported once settled. */
function settlementOf(deps: GenerateDeps, holdId: string, price: number, ctx: GenerateContext, settled: () => void): Settlement {
  const report = (captured: boolean) => deps.onSettled?.({ requestId: ctx.requestId, captured, amount: price });
  return {
    capture: async () => {
      const done = await deps.store.credits.capture(holdId);
      if (done) ctx.trace.credits = price;
      return done;
    },
    release: async () => {
      try {
        await deps.store.credits.release(holdId);
      } finally {
        report(false);
        settled();
      }
    },
    captured: () => (report(true), settled()),
  };
}

async function admitAndGenerate(deps: GenerateDeps, key: ApiKeyRecord, request: GenerationRequest, ctx: GenerateContext, settled: () => void): Promise<Generated> {
  let handedOn = false;
  try {
    ctx.trace.model = request.model;
    admit(key, request);
    if (await deps.moderator.flags(ctx.screened ?? [request.prompt, request.negativePrompt])) throw contentModeration();
    const price = deps.prices ? await deps.prices.priceOf(request.model) : deps.models.get(request.model)?.price;
    if (price === undefined) throw noChannelAvailable(request.model);
    const holdId = await holdPrice(deps, key, price, ctx);
    const settle = settlementOf(deps, holdId, price, ctx, settled);
    let captured = false;
    try {
      const generated = await dispatch(deps, request, { signal: ctx.signal, attempts: ctx.trace.attempts });
      ctx.trace.channel = generated.channel;
      ctx.signal.throwIfAborted();
      if ('stream' in generated.result) {
        // Charged as the stream ends (charge-on-arrival.ts), which also settles the hold.
        generated.result.stream.use(chargeStage(settle, ctx.trace, ctx.signal));
        handedOn = true;
        return generated;
      }
      captured = await settle.capture();
      // The lease ran out and a sweep took the hold back (decision 56): no charge, so no image.
      if (!captured) throw Object.assign(internalError(), { cause: new Error(`hold ${holdId} expired before capture`) });
      return generated;
    } finally {
      if (!handedOn && captured) settle.captured();
      else if (!handedOn) await settle.release();
    }
  } finally {
    if (!handedOn) settled();
  }
}
