/**
 * @module The persistence boundary. Everything above store/ sees these interfaces only; the SQL
 * behind them is in store/sql/ and runs on SQLite and on PostgreSQL alike. Amounts are
 * milli-credits (src/billing/credits.ts); times are epoch milliseconds.
 */
import type { Rate } from '../rate-limit/rate.js';
import type { KeyEditRepository, OperatorRepository, PriceRepository, SessionRepository, UsageReportRepository } from './admin-store.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The key's first characters, safe to show ("sk-AbCd"). */
  prefix: string;
  last4: string;
  /** Settled credits: the sum of the key's ledger. */
  balance: number;
  /** Credits reserved by open holds; spendable = balance - held. */
  held: number;
  /** Credits ever captured; with `cap`, bounds lifetime spending. */
  spent: number;
  cap: number | null;
  /** Null: the station's default. */
  rateLimit: Rate | null;
  /** Null: every model. */
  models: readonly string[] | null;
  expiresAt: number | null;
  revokedAt: number | null;
  createdAt: number;
}

export interface NewApiKey {
  name: string;
  hash: string;
  prefix: string;
  last4: string;
  credits: number;
  cap: number | null;
  rateLimit: Rate | null;
  models: readonly string[] | null;
  expiresAt: number | null;
}

export type LedgerKind = 'grant' | 'topup' | 'adjust' | 'charge';

export interface LedgerEntry {
  id: number;
  keyId: string;
  amount: number;
  balanceAfter: number;
  kind: LedgerKind;
  /** For charges, the request id. */
  ref: string | null;
  note: string | null;
  createdAt: number;
}

export type HoldOutcome = { ok: true; holdId: string } | { ok: false; reason: 'insufficient_balance' | 'cap_reached' | 'no_key' };

/** One channel tried for a request, in order. */
export interface UsageAttempt {
  channel: string;
  /** The upstream's HTTP status, 200 for success; null when it never answered. */
  status: number | null;
  /** 'ok', a failure kind (unreachable, timeout...) or a catalogue error name. */
  outcome: string;
  latencyMs: number;
}

export interface UsageRow {
  requestId: string;
  keyId: string | null;
  endpoint: string;
  model: string | null;
  status: number;
  errorName: string | null;
  channel: string | null;
  /** Milli-credits captured; 0 for anything but a 200. */
  credits: number;
  latencyMs: number;
  ip: string;
  clientId: string | null;
  clientUserId: string | null;
  clientVersion: string | null;
  createdAt: number;
  attempts: readonly UsageAttempt[];
}

export interface UsageQuery {
  keyId?: string;
  since?: number;
  limit: number;
}

export interface ChannelRecord {
  id: string;
  name: string;
  provider: string;
  baseUrl: string;
  /** Sealed by src/channels/secret-box.ts; the store never sees plaintext. */
  credentialsEnc: string | null;
  /** A masked form safe to print ("sk-a…wxyz"). */
  credentialsHint: string | null;
  /** Station model ids served; null: the whole catalogue. */
  models: readonly string[] | null;
  modelMap: Readonly<Record<string, string>>;
  options: Readonly<Record<string, unknown>>;
  /** Higher first. */
  priority: number;
  /** Relative share among channels of the same priority. */
  weight: number;
  maxConcurrency: number | null;
  timeoutMs: number;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** `id` may be chosen by the caller (credentials are sealed to it before the row exists). */
export type NewChannel = Omit<ChannelRecord, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };
export type ChannelPatch = Partial<Omit<ChannelRecord, 'id' | 'createdAt' | 'updatedAt'>>;

export interface ChannelRepository {
  create(channel: NewChannel): Promise<ChannelRecord>;
  /** By id or by name. */
  find(idOrName: string): Promise<ChannelRecord | undefined>;
  list(): Promise<ChannelRecord[]>;
  update(id: string, patch: ChannelPatch): Promise<ChannelRecord | undefined>;
  remove(id: string): Promise<boolean>;
  /** Changes whenever any channel does, so routers know when to reload. */
  revision(): Promise<number>;
}

export interface KeyRepository {
  /** Creates the key and, when `credits` > 0, its opening ledger row, in one transaction. */
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** @returns false when no such key exists. */
  revoke(id: string, at: number): Promise<boolean>;
}

export type AdjustOnceOutcome =
  | { outcome: 'applied' | 'replayed'; balanceAfter: number }
  /** The key was used before for another amount or kind. */
  | { outcome: 'conflict' }
  /** As `adjust` answering undefined: no such key, or a removal larger than what is available. */
  | { outcome: 'refused' };

export interface CreditRepository {
  /**
   * Adds (or, when negative, removes) settled credits with a ledger row, atomically.
   * A removal never takes the spendable balance below zero.
   * @returns the new balance, or undefined when the key does not exist or the removal is too large.
   */
  adjust(keyId: string, amount: number, kind: LedgerKind, note: string | null): Promise<number | undefined>;
  /**
   * `adjust` for a change the caller may retry: the first call with `idempotencyKey` writes its
   * row; a later one with the same key, amount and kind writes nothing and reports that row
   * (`replayed`), with another amount or kind it is a `conflict`. Concurrent calls apply once.
   */
  adjustOnce(keyId: string, amount: number, kind: LedgerKind, note: string | null, idempotencyKey: string): Promise<AdjustOnceOutcome>;
  /** The whole ledger, oldest first. */
  ledger(keyId: string): Promise<LedgerEntry[]>;
  /** Newest first, below `beforeId` when given: pages that never shift as rows arrive. */
  ledgerPage(keyId: string, page: { beforeId?: number; limit: number }): Promise<LedgerEntry[]>;
  /** Reserves `amount` in one conditional update: never a check followed by a decrement. */
  hold(keyId: string, amount: number, requestId: string, expiresAt: number): Promise<HoldOutcome>;
  /** Turns an open hold into a charge with its ledger row. @returns false if it was not open. */
  capture(holdId: string): Promise<boolean>;
  /** Gives an open hold back. @returns false if it was not open. */
  release(holdId: string): Promise<boolean>;
  /** Counts open holds; a finished station has none. */
  openHolds(keyId?: string): Promise<number>;
  /** Releases every open hold whose lease ran out (its process died). @returns how many. */
  releaseExpired(now: number): Promise<number>;
}

export interface BannedWordRepository {
  add(word: string): Promise<boolean>;
  remove(word: string): Promise<boolean>;
  list(): Promise<string[]>;
  /** Changes whenever the list does, so a cached matcher knows when to rebuild. */
  revision(): Promise<number>;
}

export interface UsageRepository {
  insert(row: UsageRow): Promise<void>;
  query(query: UsageQuery): Promise<UsageRow[]>;
}

/** A generated image kept in the image store (src/images/): which request, where, what, when. */
export interface ImageRecord {
  requestId: string;
  /** The object's key in the image store. */
  key: string;
  contentType: string;
  bytes: number;
  createdAt: number;
}

export interface ImageRepository {
  /** Records an image. @returns false when the request already had one (that row is kept). */
  record(image: ImageRecord): Promise<boolean>;
  find(requestId: string): Promise<ImageRecord | undefined>;
  /** Images created before `before`, oldest first, at most `limit` of them. */
  olderThan(before: number, limit: number): Promise<ImageRecord[]>;
  /** Deletes the requests' rows; rows already gone are skipped. @returns how many this call deleted. */
  remove(requestIds: readonly string[]): Promise<number>;
}

export interface SettingRepository {
  get(name: string): Promise<string | undefined>;
  /** Sets the value only if unset. @returns whether this call set it. */
  setIfAbsent(name: string, value: string): Promise<boolean>;
}

export interface Store {
  readonly keys: KeyRepository;
  readonly credits: CreditRepository;
  readonly bannedWords: BannedWordRepository;
  readonly usage: UsageRepository;
  readonly settings: SettingRepository;
  readonly channels: ChannelRepository;
  /** The admin API's (admin-store.ts). */
  readonly operators: OperatorRepository;
  readonly sessions: SessionRepository;
  readonly prices: PriceRepository;
  readonly keyEdits: KeyEditRepository;
  readonly usageReports: UsageReportRepository;
  /** Generated images kept for the usage log (migration 004). */
  readonly images: ImageRepository;
  close(): Promise<void>;
}
