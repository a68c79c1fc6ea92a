/**
 * @module Whether a test that needs the machine's PostgreSQL and Redis runs: with DATABASE_URL and
 * REDIS_URL set it does; without them it is skipped, unless REQUIRE_SERVICES=1 (CI), where a
 * missing service is a failure rather than a quiet skip.
 */
export interface Services {
  databaseUrl?: string;
  redisUrl?: string;
  skip: string | false;
}

export function servicesOrSkip(): Services {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (databaseUrl && redisUrl) return { databaseUrl, redisUrl, skip: false };
  if (process.env.REQUIRE_SERVICES === '1') throw new Error('REQUIRE_SERVICES=1 but DATABASE_URL or REDIS_URL is not set');
  return { skip: 'set DATABASE_URL and REDIS_URL to run the replica test' };
}
