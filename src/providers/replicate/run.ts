/**
 * @module Replicate's HTTP flow for one image: create the prediction with `Prefer: wait`, poll
 * `GET /v1/predictions/<id>` until it finishes, then download its output file. The channel's
 * token only ever goes to the channel's own origin.
 */
import { callUpstream, pause, type UpstreamAnswer } from '../http/upstream-http.js';
import { UpstreamFailure } from '../upstream-failure.js';
import { failureFor, readProblem } from './errors.js';
import type { ReplicateInput } from './input.js';
import type { ReplicateModel } from './models.js';
import type { ReplicateOptions } from './options.js';
import { isRunning, outputUrl, parsePrediction, type Prediction } from './prediction.js';

export interface ReplicateSession {
  /** The channel's base URL, without a trailing slash. */
  baseUrl: string;
  token: string;
  options: ReplicateOptions;
  signal: AbortSignal;
}

/** Polls answering 429 or 5xx in a row before giving up; a GET is safe to repeat. */
const MAX_POLL_HICCUPS = 3;

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** Headers for a request to `url`: the token is added only on the channel's own origin. */
function headersFor(session: ReplicateSession, url: string): Record<string, string> {
  return origin(url) === origin(session.baseUrl) ? { authorization: `Bearer ${session.token}` } : {};
}

/**
 * Creates the prediction; with `Prefer: wait` Replicate answers once it has finished or the wait
 * ran out (then still `starting`/`processing`).
 * @throws failureFor's verdict for a refusal; UpstreamFailure('broken') for a success answer that is no prediction.
 */
export async function createPrediction(session: ReplicateSession, model: ReplicateModel, input: ReplicateInput): Promise<Prediction> {
  const answer = await callUpstream({
    method: 'POST',
    url: `${session.baseUrl}/v1/models/${model.owner}/${model.name}/predictions`,
    headers: {
      authorization: `Bearer ${session.token}`,
      'content-type': 'application/json',
      prefer: `wait=${session.options.waitSeconds}`,
    },
    body: JSON.stringify({ input }),
    signal: session.signal,
  });
  // 201: created (finished when the wait sufficed); 202: created, output not there yet.
  if (answer.status !== 200 && answer.status !== 201 && answer.status !== 202) throw failureFor(answer.status, answer.body);
  return parsePrediction(answer.body);
}

/** Where to poll: the prediction's own `urls.get` when it is on the channel's origin, else the documented path. */
export function pollUrl(session: ReplicateSession, prediction: Prediction): string {
  const given = prediction.urls?.get;
  if (given && origin(given) === origin(session.baseUrl)) return given;
  return `${session.baseUrl}/v1/predictions/${prediction.id}`;
}

/** A poll that went wrong after the prediction exists: it may be generating (and billed), so no failover. */
function pollFailure(answer: UpstreamAnswer): UpstreamFailure {
  const problem = readProblem(answer.body);
  const said = problem.detail ?? problem.title;
  return new UpstreamFailure('broken', `replicate answered ${answer.status} while polling${said ? `: ${said}` : ''}`, true, answer.status);
}

/**
 * A GET once the prediction exists. callUpstream calls a refused connection 'unreachable'
 * (retryable), but here the image may already be made and billed: it must not fail over.
 */
async function getAfterCreate(session: ReplicateSession, url: string): Promise<UpstreamAnswer> {
  try {
    return await callUpstream({ method: 'GET', url, headers: headersFor(session, url), signal: session.signal });
  } catch (error) {
    if (error instanceof UpstreamFailure && error.kind === 'unreachable') {
      throw new UpstreamFailure('broken', `${error.message} after the prediction was created`, true, undefined, { cause: error });
    }
    throw error;
  }
}

/** Polls until the prediction leaves `starting`/`processing`; the call's signal bounds the wait. */
export async function settle(session: ReplicateSession, created: Prediction): Promise<Prediction> {
  let prediction = created;
  let hiccups = 0;
  while (isRunning(prediction)) {
    await pause(session.options.pollIntervalMs, session.signal);
    const url = pollUrl(session, prediction);
    const answer = await getAfterCreate(session, url);
    if (answer.status === 200) {
      const next = parsePrediction(answer.body);
      if (next.id !== prediction.id) throw new UpstreamFailure('broken', 'replicate answered a poll with another prediction', true);
      prediction = next;
      hiccups = 0;
    } else if ((answer.status === 429 || answer.status >= 500) && ++hiccups < MAX_POLL_HICCUPS) {
      continue;
    } else {
      throw pollFailure(answer);
    }
  }
  return prediction;
}

/**
 * Downloads the output file. Replicate serves files from `replicate.delivery` without
 * authentication (its JS client fetches them bare); files under the API's own origin need the token.
 * @throws UpstreamFailure('broken'): the image exists and was paid for, so never fail over.
 */
export async function download(session: ReplicateSession, url: string): Promise<Buffer> {
  const answer = await getAfterCreate(session, url);
  if (answer.status !== 200) throw new UpstreamFailure('broken', `replicate's output file answered ${answer.status}`, true, answer.status);
  return answer.body;
}

/** The whole flow: create, wait, download. */
export async function runPrediction(session: ReplicateSession, model: ReplicateModel, input: ReplicateInput): Promise<Buffer> {
  const created = await createPrediction(session, model, input);
  const finished = await settle(session, created);
  return download(session, outputUrl(finished));
}
