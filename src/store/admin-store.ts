/**
 * @module The admin API's side of the persistence boundary: operators and their sessions, price
 * overrides, edits to a key's limits, and the usage log read the way an operator reads it
 * (filtered and paged, or a time window for the dashboard). Members of Store (store.ts); the SQL
 * is in store/sql/ and runs on SQLite and PostgreSQL alike.
 */
import type { Rate } from '../rate-limit/rate.js';
import type { ApiKeyRecord, UsageAttempt, UsageRow } from './store.js';

export interface OperatorRecord {
  id: string;
  /** Lowercase, unique. */
  username: string;
  /** The encoded scrypt hash with its parameters (src/admin/password.ts). */
  passwordHash: string;
  createdAt: number;
}

export interface OperatorRepository {
  /** @returns undefined when the username is taken. */
  create(operator: { username: string; passwordHash: string }): Promise<OperatorRecord | undefined>;
  findByUsername(username: string): Promise<OperatorRecord | undefined>;
  list(): Promise<OperatorRecord[]>;
  /** Removes the operator and every session of theirs. @returns false when there was none. */
  remove(id: string): Promise<boolean>;
}

export interface SessionRecord {
  /** SHA-256 of the cookie's token: a stolen table opens no session. */
  idHash: string;
  operatorId: string;
  /** Useless without the cookie, so stored as is and handed back by GET /admin/api/session. */
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  /** The session with its operator, unless it is unknown or expired at `now`. */
  find(idHash: string, now: number): Promise<{ session: SessionRecord; operator: OperatorRecord } | undefined>;
  remove(idHash: string): Promise<boolean>;
  /** Deletes sessions that expired before `now`. @returns how many. */
  removeExpired(now: number): Promise<number>;
}

export interface PriceOverride {
  model: string;
  /** Milli-credits. */
  price: number;
  updatedAt: number;
}

export interface PriceRepository {
  list(): Promise<PriceOverride[]>;
  /** Inserts or replaces the model's override. */
  set(model: string, price: number): Promise<PriceOverride>;
  /** @returns false when the model had no override. */
  remove(model: string): Promise<boolean>;
  /** Changes whenever an override does, so a cached price book knows when to reload. */
  revision(): Promise<number>;
}

/** Fields left out stay as they are; null clears (back to the default, or no limit). */
export interface KeyPatch {
  name?: string;
  cap?: number | null;
  rateLimit?: Rate | null;
  models?: readonly string[] | null;
  expiresAt?: number | null;
}

export interface KeyEditRepository {
  /** @returns the key as changed, or undefined when there is no such key. */
  update(id: string, patch: KeyPatch): Promise<ApiKeyRecord | undefined>;
}

export interface UsageFilter {
  keyId?: string;
  model?: string;
  channel?: string;
  /** Inclusive bounds: one status (200) or a class (400..499). */
  status?: { min: number; max: number };
  /** created_at >= since. */
  since?: number;
  /** created_at < until. */
  until?: number;
  /** Keyset pagination: only rows with an id below this one. */
  beforeId?: number;
  limit: number;
}

export interface UsageEntry extends UsageRow {
  /** The row's id: newest first, and the cursor of the next page. */
  id: number;
  /** Whether the image store keeps this request's image (not yet swept). */
  hasImage: boolean;
}

/** What the dashboard needs of one usage row. */
export interface UsageSample {
  createdAt: number;
  status: number;
  credits: number;
  latencyMs: number;
  attempts: readonly UsageAttempt[];
}

export interface UsageReportRepository {
  /** Newest first (by id), filtered. */
  page(filter: UsageFilter): Promise<UsageEntry[]>;
  /** Rows with since <= created_at < until, at most `limit` of them. */
  window(since: number, until: number, limit: number): Promise<UsageSample[]>;
}
