/**
 * @module The admin API's answers as the console reads them (docs/admin-api.md). Amounts are
 * decimal strings ("6.5") and stay strings: the console shows them, it never does sums with them.
 * Fields another change adds (`circuit`, `in_flight`, `image_url`) are optional here, so
 * the pages work before and after that change.
 */

export interface Session {
  kind: 'operator' | 'admin';
  operator?: { id: string; username: string };
  csrf_token?: string;
  expires_at?: string;
}

export interface ApiKey {
  id: string;
  name: string | null;
  display: string;
  balance: string;
  held: string;
  available: string;
  spent: string;
  cap: string | null;
  rate_limit: string | null;
  models: string[] | null;
  expires_at: string | null;
  status: 'active' | 'revoked' | 'expired';
  created_at: string;
}

/** Only the create answer carries the plaintext `key`. */
export interface CreatedKey extends ApiKey {
  key: string;
}

export interface LedgerEntry {
  id: number;
  at: string;
  kind: string;
  amount: string;
  balance_after: string;
  ref: string | null;
  note: string | null;
}

export interface Credits {
  key_id: string;
  balance: string;
  held: string;
  available: string;
  spent: string;
  cap: string | null;
  /** Newest first; pass as `cursor` for the next (older) page, null on the last. */
  ledger: LedgerEntry[];
  next_cursor?: string | null;
}

export type Circuit = 'closed' | 'open' | 'half_open';

export interface Channel {
  id: string;
  name: string;
  provider: string;
  base_url: string | null;
  credentials: string | null;
  models: string[] | null;
  priority: number;
  weight: number;
  max_concurrency: number | null;
  timeout_seconds: number;
  enabled: boolean;
  disabled_reason: string | null;
  updated_at: string | null;
  /** Live health, when the station reports it; null when it could not be read just now. */
  circuit?: Circuit | null;
  in_flight?: number | null;
}

export type ChannelTest =
  | { channel: string; ok: true; model: string; latency_ms: number; seed: number; format: string; bytes: number; finish_reason: string }
  | { channel: string; ok: false; error: string };

export interface UsageRow {
  id: number;
  at: string;
  request_id: string;
  key_id: string | null;
  endpoint: string;
  model: string | null;
  channel: string | null;
  status: number;
  error: string | null;
  credits: string;
  latency_ms: number;
  /** A same-origin URL of the kept image, when the station keeps one. */
  image_url?: string | null;
}

export interface UsagePage {
  usage: UsageRow[];
  next_cursor: string | null;
}

export interface PriceLine {
  model: string;
  credits: string;
  default_credits: string;
  overridden: boolean;
}

export interface DashboardBucket {
  start: string;
  requests: number;
  errors: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export interface Dashboard {
  since: string;
  until: string;
  bucket_seconds: number;
  totals: { requests: number; successes: number; success_rate: number | null; credits_spent: string };
  /** Requests to the generation routes per bucket, every status. */
  buckets: { start: string; requests: number; successes: number; credits_spent: string }[];
  channels: { channel: string; requests: number; errors: number; buckets: DashboardBucket[] }[];
}
