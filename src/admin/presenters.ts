/**
 * @module How keys, channels, ledgers, usage rows and prices look as JSON, shared by the CLI's
 * `--json` output and the admin API so both present the same shapes. None includes a secret: a
 * key shows only its prefix and last four characters (its plaintext exists once, in the create
 * answer), a channel only the masked hint of its credentials.
 */
import { formatCredits } from '../billing/credits.js';
import { formatRate } from '../rate-limit/rate.js';
import type { UsageEntry } from '../store/admin-store.js';
import type { ApiKeyRecord, ChannelRecord, LedgerEntry, UsageRow } from '../store/store.js';
import type { PriceLine } from './price-book.js';

export const isoTime = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function keyJson(key: ApiKeyRecord, now: number) {
  return {
    id: key.id,
    name: key.name,
    display: `${key.prefix}...${key.last4}`,
    balance: formatCredits(key.balance),
    held: formatCredits(key.held),
    available: formatCredits(key.balance - key.held),
    spent: formatCredits(key.spent),
    cap: key.cap === null ? null : formatCredits(key.cap),
    rate_limit: key.rateLimit ? formatRate(key.rateLimit) : null,
    models: key.models,
    expires_at: isoTime(key.expiresAt),
    status: key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active',
    created_at: isoTime(key.createdAt),
  };
}

/** A channel as printed: the credential only as its masked hint. */
export function channelJson(c: ChannelRecord) {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    base_url: c.baseUrl,
    credentials: c.credentialsHint,
    models: c.models,
    model_map: c.modelMap,
    options: c.options,
    priority: c.priority,
    weight: c.weight,
    max_concurrency: c.maxConcurrency,
    timeout_seconds: c.timeoutMs / 1000,
    enabled: c.enabled,
    disabled_reason: c.disabledReason,
    updated_at: isoTime(c.updatedAt),
  };
}

/** `aigate credits show --json`: the key's amounts and its ledger. */
export function creditsJson(key: ApiKeyRecord, ledger: readonly LedgerEntry[]) {
  return {
    key_id: key.id,
    balance: formatCredits(key.balance),
    held: formatCredits(key.held),
    available: formatCredits(key.balance - key.held),
    spent: formatCredits(key.spent),
    cap: key.cap === null ? null : formatCredits(key.cap),
    ledger: ledger.map((e) => ({
      id: e.id,
      at: isoTime(e.createdAt),
      kind: e.kind,
      amount: formatCredits(e.amount),
      balance_after: formatCredits(e.balanceAfter),
      ref: e.ref,
      note: e.note,
    })),
  };
}

/** One row of `aigate usage --json`; the admin API adds the row's `id`, its page cursor. */
export function usageJson(r: UsageRow) {
  return {
    at: isoTime(r.createdAt),
    request_id: r.requestId,
    key_id: r.keyId,
    endpoint: r.endpoint,
    model: r.model,
    channel: r.channel,
    status: r.status,
    error: r.errorName,
    credits: formatCredits(r.credits),
    latency_ms: r.latencyMs,
    ip: r.ip,
    client_id: r.clientId,
    attempts: r.attempts.map((a) => ({ channel: a.channel, status: a.status, outcome: a.outcome, latency_ms: a.latencyMs })),
  };
}

/** The admin API's usage row: the CLI's plus its `id` and where its image is served, if it is kept. */
export const usageEntryJson = (r: UsageEntry) => ({
  id: r.id,
  ...usageJson(r),
  image_url: r.hasImage ? `/admin/api/images/${encodeURIComponent(r.requestId)}` : null,
});

export function priceJson(line: PriceLine) {
  return {
    model: line.model,
    credits: formatCredits(line.price),
    default_credits: formatCredits(line.defaultPrice),
    overridden: line.override !== null,
    updated_at: line.override ? isoTime(line.override.updatedAt) : null,
  };
}
