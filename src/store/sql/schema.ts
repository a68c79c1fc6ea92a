/** @module The tables as Kysely sees them; kept in step with store/migrations by the store tests. */
import type { Generated } from 'kysely';

export interface ApiKeysTable {
  id: string;
  name: string;
  hash: string;
  prefix: string;
  last4: string;
  balance: number;
  held: number;
  spent: number;
  cap: number | null;
  rate_points: number | null;
  rate_window_s: number | null;
  models: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface HoldsTable {
  id: string;
  key_id: string;
  amount: number;
  request_id: string;
  status: 'open' | 'captured' | 'released';
  created_at: number;
  expires_at: number;
  settled_at: number | null;
}

export interface LedgerTable {
  id: Generated<number>;
  key_id: string;
  amount: number;
  balance_after: number;
  kind: string;
  ref: string | null;
  note: string | null;
  created_at: number;
  /** The caller's key for a retried top-up or adjustment; unique per API key. */
  idempotency_key: string | null;
}

export interface BannedWordsTable {
  word: string;
  created_at: number;
}

export interface UsageTable {
  id: Generated<number>;
  request_id: string;
  key_id: string | null;
  endpoint: string;
  model: string | null;
  status: number;
  error_name: string | null;
  channel: string | null;
  credits: number;
  latency_ms: number;
  ip: string;
  client_id: string | null;
  client_user_id: string | null;
  client_version: string | null;
  created_at: number;
  attempts: string | null;
}

export interface ChannelsTable {
  id: string;
  name: string;
  provider: string;
  base_url: string;
  credentials_enc: string | null;
  credentials_hint: string | null;
  models: string | null;
  model_map: string;
  options: string;
  priority: number;
  weight: number;
  max_concurrency: number | null;
  timeout_ms: number;
  enabled: number;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface Database {
  api_keys: ApiKeysTable;
  holds: HoldsTable;
  ledger: LedgerTable;
  banned_words: BannedWordsTable;
  usage_log: UsageTable;
  settings: SettingsTable;
  channels: ChannelsTable;
}
