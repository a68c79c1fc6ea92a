/** @module The "points per window" notation used by config, the CLI and the key table ("150/10s"). */

export interface Rate {
  points: number;
  windowSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };
/** Bounds that keep a rate storable (32-bit columns) and enforceable: window timers overflow past ~24.8 days. */
const MAX_POINTS = 1_000_000_000;
const MAX_WINDOW_SECONDS = 7 * 86_400;
const RATE = /^(\d+)\s*\/\s*(\d*)\s*([smh])$/;

/** @throws RangeError on anything other than `<points>/<n><s|m|h>` with positive numbers. */
export function parseRate(text: string): Rate {
  const match = RATE.exec(text.trim());
  const points = match ? Number(match[1]) : 0;
  const windowSeconds = match ? Number(match[2] || '1') * UNIT_SECONDS[match[3]!]! : 0;
  if (!match || points < 1 || windowSeconds < 1) {
    throw new RangeError(`"${text}" is not a rate; write it as <requests>/<window>, e.g. 150/10s or 60/1m`);
  }
  if (points > MAX_POINTS || windowSeconds > MAX_WINDOW_SECONDS) {
    throw new RangeError(`"${text}" is out of range: at most ${MAX_POINTS} requests per window of at most 168h`);
  }
  return { points, windowSeconds };
}

export const formatRate = (rate: Rate) => `${rate.points}/${rate.windowSeconds}s`;
