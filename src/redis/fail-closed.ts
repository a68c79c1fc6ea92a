/**
 * @module Failing closed: when Redis cannot be reached, the station refuses (503
 * `service_unavailable`, Retry-After) rather than guess. A paid API that admits requests it
 * cannot count would let a key exceed its rate limit and a channel its concurrency cap, and
 * keep calling an upstream whose circuit other replicas have opened.
 */
import { GatewayError, serviceUnavailable } from '../errors.js';

/** Runs one Redis operation; any failure of it (error, timeout, no connection) becomes a 503. */
export async function failClosed<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    // Already ours (a nested failClosed): keep it as it is.
    if (error instanceof GatewayError) throw error;
    throw Object.assign(serviceUnavailable(), { cause: error });
  }
}
