/**
 * @module The contract every upstream adapter fulfils. The core talks to providers only
 * through these types; it never imports a concrete provider.
 */
import type { ImageFlow } from './image-flow.js';

export type Endpoint = 'sd3' | 'ultra' | 'core';
export type OutputFormat = 'png' | 'jpeg' | 'webp';
export type FinishReason = 'SUCCESS' | 'CONTENT_FILTERED';

/** An input image that validation has already decoded the header of and bounded. */
export interface InputImage {
  bytes: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
}

/** A request after validation: every default resolved, every range checked. */
export interface GenerationRequest {
  endpoint: Endpoint;
  /** The station's model id (the catalogue's), before any channel mapping. */
  model: string;
  prompt: string;
  /** Already dropped by validation for models that cannot use it. */
  negativePrompt?: string;
  /** Output size in pixels, from the aspect-ratio table (spec §6). */
  width: number;
  height: number;
  aspectRatio: string;
  /** 0 means the provider picks one and reports it. */
  seed: number;
  outputFormat: OutputFormat;
  cfgScale?: number;
  stylePreset?: string;
  image?: InputImage;
  /** Present exactly when `image` is: 0 keeps the input, 1 ignores it. */
  strength?: number;
}

export interface GenerationResult {
  bytes: Buffer;
  format: OutputFormat;
  /** The seed actually used, never 0. */
  seed: number;
  finishReason: FinishReason;
}

export interface StreamedResult extends Omit<GenerationResult, 'bytes'> {
  /**
   * An image still arriving from the upstream, passed through without being held whole. Its head
   * was already checked: it is an image of the promised format and size (image-stream.ts). Each
   * layer adds its stage; the HTTP layer opens it once. Its stream running to its end means the
   * whole image arrived; it errors with an UpstreamFailure when the answer breaks off, or the
   * signal's reason.
   */
  stream: ImageFlow;
}

/** What a provider's `stream` answers: a pass-through when it could, else a whole image. */
export type ProviderAnswer = GenerationResult | StreamedResult;

/** Per-call context. Adapters must stop work and reject when `signal` aborts. */
export interface ProviderCallContext {
  /** Aborts when the client leaves (reason: a catalogue error) or the channel's timeout passes. */
  signal: AbortSignal;
}

/** What one channel configures its adapter with; credentials arrive decrypted. */
export interface ChannelSettings {
  /** The upstream's base URL, without a trailing slash. */
  baseUrl: string;
  /** An API key or token; `user:password` for servers behind basic auth. Null when none. */
  credentials: string | null;
  /** Station model id to the upstream's model name; unmapped ids are sent as they are. */
  modelMap: Readonly<Record<string, string>>;
  /** Provider-specific options (a ComfyUI workflow's checkpoint, steps...), validated by the provider. */
  options: Readonly<Record<string, unknown>>;
}

export interface Provider {
  /**
   * Produces one image. Throws an UpstreamFailure (src/providers/upstream-failure.ts) when the
   * upstream failed, a GatewayError from the catalogue when the upstream refused the caller's
   * request (400, 403 moderation, 413, 422), or the signal's reason when it aborted.
   */
  generate(request: GenerationRequest, ctx: ProviderCallContext): Promise<GenerationResult>;
  /**
   * The same generation, for an adapter that can pass the upstream's image through as it arrives
   * (the public API uses it when present; `generate` is then the same call read whole). Errors are
   * `generate`'s, up to the answer's head; after it, the stream's own.
   */
  stream?(request: GenerationRequest, ctx: ProviderCallContext): Promise<ProviderAnswer>;
}

/** How the registry knows a provider type: a factory and what a channel of it needs. */
export interface ProviderDefinition {
  create(settings: ChannelSettings): Provider;
  /** Shown by `channels add --help` and checked when a channel is saved. */
  needsCredentials: boolean;
  /** The base URL a channel gets when the operator names none (a public API's), if any. */
  defaultBaseUrl?: string;
  /** @throws Error naming the bad option, so a channel cannot be saved with it. */
  checkOptions?(options: Readonly<Record<string, unknown>>): void;
}
