/**
 * @module Input validation for the admin API: zod schemas whose every failure becomes one
 * `<field>: <rule>` entry of a 400 bad_request, all of them at once, as the public API answers.
 */
import { z } from 'zod';
import { parseCredits } from '../../../billing/credits.js';
import { badRequest } from '../../../errors.js';
import { parseRate } from '../../../rate-limit/rate.js';

export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'header'): T {
  // A bodiless POST or an empty query validates as {}, so optional-only schemas accept it.
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw badRequest(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => `${[...issue.path, key].join('.')}: is not a known field`)
        : [`${issue.path.join('.') || where}: ${issue.message}`],
    ),
  );
}

const converted = <T>(convert: (text: string) => T) =>
  z.string().transform((text, ctx) => {
    try {
      return convert(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** Exact decimal credits ("6.5"), as text so no float ever rounds them; numbers are accepted too. */
export const credits = z.union([z.string(), z.number().transform(String)]).pipe(converted(parseCredits));
export const nonNegativeCredits = credits.refine((milli) => milli >= 0, 'must not be negative');

/** `<requests>/<n><s|m|h>`, as the CLI and AIGATE_KEY_RATE_LIMIT write it. */
export const rate = converted(parseRate);

/** An ISO 8601 date or date-time, to epoch milliseconds. */
export const isoDate = converted((text) => {
  const ms = Date.parse(text);
  // Bounded so that windows computed from it stay valid dates (a 500 otherwise, not a 400).
  if (Number.isNaN(ms) || ms < 0 || ms > Date.UTC(9999, 11, 31)) throw new RangeError(`"${text}" is not an ISO date from 1970 to 9999 such as 2027-01-31 or 2027-01-31T12:00:00Z`);
  return ms;
});

/** A duration such as 30s, 5m, 1h or 1d, to milliseconds. */
export const duration = converted((text) => {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'] : 0;
  if (ms <= 0) throw new RangeError(`"${text}" is not a duration such as 5m, 1h or 1d`);
  return ms;
});

/** Model ids that must all be in the catalogue. */
export const modelList = (catalogue: ReadonlyMap<string, unknown>) =>
  z
    .array(z.string())
    .min(1, 'list at least one model, or send null for every model')
    .refine((models) => models.every((m) => catalogue.has(m)), { message: `unknown model; known: ${[...catalogue.keys()].join(', ')}` });
