/** @module The options a replicate channel accepts (`--option key=value`), checked when the channel is saved. */

export interface ReplicateOptions {
  /** Milliseconds between polls of a prediction that `Prefer: wait` did not see finish. */
  pollIntervalMs: number;
  /** Seconds Replicate should hold the create call open (`Prefer: wait=n`, 1 to 60). */
  waitSeconds: number;
}

export const DEFAULT_OPTIONS: Readonly<ReplicateOptions> = { pollIntervalMs: 1000, waitSeconds: 60 };

/** Replicate's own bounds for `Prefer: wait=n` (its OpenAPI: `^wait(=([1-9]|[1-9][0-9]|60))?$`). */
const WAIT_RANGE = [1, 60] as const;
/** Polling faster than this only burns Replicate's rate limit; slower than a minute stalls the client. */
const POLL_RANGE = [10, 60_000] as const;

/** The CLI passes every option as text, configuration files as numbers: accept both. */
function integer(name: string, value: unknown, [min, max]: readonly [number, number]): number {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new Error(`replicate: option "${name}" must be an integer from ${min} to ${max}`);
  }
  return number;
}

/** @throws Error naming the first unknown or bad option. */
export function checkReplicateOptions(options: Readonly<Record<string, unknown>>): ReplicateOptions {
  for (const name of Object.keys(options)) {
    if (name !== 'pollIntervalMs' && name !== 'waitSeconds') {
      throw new Error(`replicate: unknown option "${name}" (known: pollIntervalMs, waitSeconds)`);
    }
  }
  return {
    pollIntervalMs: options.pollIntervalMs === undefined ? DEFAULT_OPTIONS.pollIntervalMs : integer('pollIntervalMs', options.pollIntervalMs, POLL_RANGE),
    waitSeconds: options.waitSeconds === undefined ? DEFAULT_OPTIONS.waitSeconds : integer('waitSeconds', options.waitSeconds, WAIT_RANGE),
  };
}
