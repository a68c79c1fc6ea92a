/**
 * @module Reads Replicate's prediction object (`{id, status, output, error, urls}`) and decides
 * what a finished one means: an output URL, a moderation refusal or a failed generation.
 */
import { z } from 'zod';
import { contentModeration } from '../../errors.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { clean } from './errors.js';

/** Only the fields the adapter reads; Replicate adds others (logs, metrics, timestamps) freely. */
const PredictionSchema = z.object({
  // Ids are lowercase base32 in practice; anything unsafe in a URL path is a broken answer.
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  status: z.string(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  urls: z.object({ get: z.string().optional() }).loose().nullish(),
});

export type Prediction = z.infer<typeof PredictionSchema>;

/** `starting` and `processing` are still running; everything else is final. */
export const isRunning = (prediction: Prediction) => prediction.status === 'starting' || prediction.status === 'processing';

/** @throws UpstreamFailure('broken', sent) when a success status carries no prediction. */
export function parsePrediction(body: Buffer): Prediction {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new UpstreamFailure('broken', 'replicate answered something that is not JSON', true);
  }
  const parsed = PredictionSchema.safeParse(json);
  if (!parsed.success) throw new UpstreamFailure('broken', 'replicate answered something that is not a prediction', true);
  return parsed.data;
}

/**
 * The safety checkers of Replicate's image models fail the prediction with messages such as
 * "NSFW content detected. Try running it again, or try a different prompt." or "...flagged as
 * sensitive...": the caller's prompt was refused, not the channel broken.
 */
const MODERATION = /nsfw|safety (checker|filter|system)|flagged|sensitive|content (policy|moderation)|inappropriate/i;

const errorText = (error: unknown) => (typeof error === 'string' ? error : error == null ? '' : JSON.stringify(error));

/**
 * The output URL of a finished prediction.
 * @throws the catalogue's content_moderation for a safety refusal; UpstreamFailure('server_error')
 *   for a failed or canceled one (Replicate produced no image, so another channel may try);
 *   UpstreamFailure('broken') when it claims success without an output URL or names an unknown status.
 */
export function outputUrl(prediction: Prediction): string {
  const { status } = prediction;
  if (status === 'failed') {
    const said = clean(errorText(prediction.error));
    if (MODERATION.test(said)) throw contentModeration();
    throw new UpstreamFailure('server_error', `replicate's prediction failed${said ? `: ${said}` : ''}`, true);
  }
  // `aborted`: Replicate stopped it before it ran (a deadline); like canceled, nothing was made.
  if (status === 'canceled' || status === 'aborted') throw new UpstreamFailure('server_error', `replicate's prediction was ${status}`, true);
  if (status !== 'succeeded') throw new UpstreamFailure('broken', `replicate's prediction has an unknown status "${clean(status)}"`, true);
  // Image models answer one URL (3.5 large/medium) or a list of them (stable-diffusion-3).
  const first: unknown = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
  if (typeof first !== 'string' || !/^https?:\/\//i.test(first)) {
    throw new UpstreamFailure('broken', 'replicate says the prediction succeeded but gives no output URL', true);
  }
  return first;
}
