/**
 * @module Configuration: read from the environment once at start-up, validated (every problem
 * reported at once), frozen, and passed down. Nothing else reads process.env.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseCredits } from '../billing/credits.js';
import { IMAGE_ENV, resolveImageConfig, type ImageConfig } from '../images/image-config.js';
import { parseRate, type Rate } from '../rate-limit/rate.js';
import { DEFAULT_MODELS, type ModelSpec } from './models.js';

export interface Config {
  /** TCP port to listen on (PORT, default 8080). */
  readonly port: number;
  /** Interface to bind (AIGATE_HOST, default 127.0.0.1: loopback until the operator opens it). */
  readonly host: string;
  /** Where the SQLite database and key file live (AIGATE_DATA_DIR, default ./data). */
  readonly dataDir: string;
  readonly databasePath: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Default per-key limit (AIGATE_KEY_RATE_LIMIT, default 150/10s, Stability's own). */
  readonly keyRateLimit: Rate;
  /** Per-client-IP limit applied before authentication (AIGATE_IP_RATE_LIMIT, default 600/10s). */
  readonly ipRateLimit: Rate;
  /**
   * How long a credit hold lives before the sweep may reclaim it (AIGATE_HOLD_LEASE_SECONDS, 900).
   * At least 660: longer than the longest channel timeout (600) plus a minute, so a sweep never
   * takes back the hold of a generation that can still succeed.
   */
  readonly holdLeaseSeconds: number;
  /**
   * Which proxies' X-Forwarded-For to believe for the client IP (AIGATE_TRUST_PROXY): false (the
   * default), a number of hops, or a list of proxy addresses/CIDRs. Never "all": a client could
   * then pick its own IP and escape the per-IP limit.
   */
  readonly trustProxy: false | number | readonly string[];
  /** The model catalogue with prices resolved, keyed by id. */
  readonly models: ReadonlyMap<string, ModelSpec>;
  /** The whole request body cap (spec §3): 10 MiB, not configurable. */
  readonly bodyLimitBytes: number;
  /** AIGATE_SECRET: the master key's source, when given; never logged or printed. */
  readonly secret: string | undefined;
  /** Where the generated master key lives otherwise (AIGATE_SECRET_FILE, default <data>/secret.key). */
  readonly secretFile: string;
  /** Consecutive failures that open a channel's circuit (AIGATE_CIRCUIT_FAILURES, default 5). */
  readonly circuitFailures: number;
  /** How long an open circuit waits before one probe (AIGATE_CIRCUIT_COOLDOWN_SECONDS, default 30). */
  readonly circuitCooldownSeconds: number;
  /** DATABASE_URL: a postgres:// URL switches the store from the embedded SQLite to PostgreSQL. */
  readonly databaseUrl: string | undefined;
  /** REDIS_URL: rate limits, concurrency caps and circuit state shared by every replica. */
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key (AIGATE_REDIS_PREFIX, default "aigate:"), so stations can share a Redis. */
  readonly redisPrefix: string;
  /** How long SIGTERM waits for generations in flight before releasing them (AIGATE_SHUTDOWN_GRACE_SECONDS, 30). */
  readonly shutdownGraceSeconds: number;
  /** AIGATE_METRICS_TOKEN: when set, /metrics wants `Authorization: Bearer <it>`; never logged. */
  readonly metricsToken: string | undefined;
  /** Where generated images are kept and for how long (AIGATE_IMAGE_*, AIGATE_S3_*: src/images/image-config.ts). */
  readonly images: ImageConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const rate = z.string().transform((text, ctx) => {
  try {
    return parseRate(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const prices = z.string().transform((text, ctx) => {
  let entries: (readonly [string, number])[];
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must be a JSON object');
    entries = Object.entries(parsed).map(([model, credits]) => [model, parseCredits(credits as string)] as const);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `must be a JSON object of model to credits: ${(error as Error).message}` });
    return z.NEVER;
  }
  // Checked here rather than after parsing, so these problems are listed with every other one.
  for (const [model, price] of entries) {
    if (!DEFAULT_MODELS.some((m) => m.id === model)) ctx.addIssue({ code: 'custom', message: `unknown model "${model}"` });
    else if (price < 0) ctx.addIssue({ code: 'custom', message: `the price of "${model}" must not be negative` });
  }
  return entries;
});

const trustProxy = z.string().transform((text, ctx): false | number | string[] => {
  const value = text.trim();
  if (['false', 'no', '0'].includes(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (['true', 'yes'].includes(value)) {
    ctx.addIssue({ code: 'custom', message: 'give the number of proxy hops in front of the station, or their addresses, not "true"' });
    return z.NEVER;
  }
  return value.split(',').map((v) => v.trim()).filter(Boolean);
});

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  AIGATE_HOST: z.string().min(1).default('127.0.0.1'),
  AIGATE_DATA_DIR: z.string().min(1).default('./data'),
  AIGATE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AIGATE_KEY_RATE_LIMIT: rate.default(parseRate('150/10s')),
  AIGATE_IP_RATE_LIMIT: rate.default(parseRate('600/10s')),
  AIGATE_HOLD_LEASE_SECONDS: z.coerce.number().int().min(660).max(86_400).default(900),
  AIGATE_TRUST_PROXY: trustProxy.default(false),
  AIGATE_PRICES: prices.default([]),
  AIGATE_SECRET: z.string().min(1).optional(),
  AIGATE_SECRET_FILE: z.string().min(1).optional(),
  AIGATE_CIRCUIT_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  AIGATE_CIRCUIT_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' }).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, { message: 'must be a redis:// or rediss:// URL' }).optional(),
  AIGATE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  AIGATE_REDIS_PREFIX: z.string().min(1).max(100).default('aigate:'),
  AIGATE_METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  ...IMAGE_ENV,
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function resolveModels(overrides: readonly (readonly [string, number])[], problems: string[]): Map<string, ModelSpec> {
  const models = new Map(DEFAULT_MODELS.map((m) => [m.id, { ...m }]));
  for (const [id, price] of overrides) {
    const model = models.get(id);
    if (!model) problems.push(`AIGATE_PRICES: unknown model "${id}"`);
    else if (price < 0) problems.push(`AIGATE_PRICES: the price of "${id}" must not be negative`);
    else model.price = price;
  }
  return models;
}

/**
 * Builds the frozen configuration from an environment.
 * @throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const definedOnly = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(definedOnly);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const models = resolveModels(e.AIGATE_PRICES, problems);
  // Replicas on one database must share one master key; a key file per replica would leave each
  // unable to open the credentials the others sealed.
  if (e.DATABASE_URL && !e.AIGATE_SECRET && !e.AIGATE_SECRET_FILE) {
    problems.push('AIGATE_SECRET: is required with DATABASE_URL (every replica and the CLI must share the master key), or set AIGATE_SECRET_FILE to a file they all read');
  }
  const dataDir = path.resolve(e.AIGATE_DATA_DIR);
  const images = resolveImageConfig(e, dataDir, problems);
  if (problems.length || !images) throw new ConfigError(problems);
  const config: Config = {
    port: e.PORT,
    host: e.AIGATE_HOST,
    dataDir,
    databasePath: path.join(dataDir, 'aigate.db'),
    logLevel: e.AIGATE_LOG_LEVEL,
    keyRateLimit: e.AIGATE_KEY_RATE_LIMIT,
    ipRateLimit: e.AIGATE_IP_RATE_LIMIT,
    holdLeaseSeconds: e.AIGATE_HOLD_LEASE_SECONDS,
    trustProxy: e.AIGATE_TRUST_PROXY,
    models,
    bodyLimitBytes: 10 * 1024 * 1024,
    secret: e.AIGATE_SECRET,
    secretFile: path.resolve(e.AIGATE_SECRET_FILE ?? path.join(dataDir, 'secret.key')),
    circuitFailures: e.AIGATE_CIRCUIT_FAILURES,
    circuitCooldownSeconds: e.AIGATE_CIRCUIT_COOLDOWN_SECONDS,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.AIGATE_REDIS_PREFIX,
    shutdownGraceSeconds: e.AIGATE_SHUTDOWN_GRACE_SECONDS,
    metricsToken: e.AIGATE_METRICS_TOKEN,
    images,
  };
  for (const model of models.values()) deepFreeze(model);
  return deepFreeze(config);
}
