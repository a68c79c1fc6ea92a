/** @module Creating an API key: minted, stored hashed, its plaintext returned once to the caller. */
import type { Rate } from '../rate-limit/rate.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import { mintApiKey } from './api-keys.js';

export interface KeyOptions {
  name?: string;
  /** Opening balance in milli-credits. */
  credits?: number;
  cap?: number | null;
  rateLimit?: Rate | null;
  models?: readonly string[] | null;
  expiresAt?: number | null;
}

export async function createApiKey(store: Store, options: KeyOptions = {}): Promise<{ key: ApiKeyRecord; plaintext: string }> {
  const minted = mintApiKey();
  const key = await store.keys.create({
    name: options.name ?? 'unnamed',
    hash: minted.hash,
    prefix: minted.prefix,
    last4: minted.last4,
    credits: options.credits ?? 0,
    cap: options.cap ?? null,
    rateLimit: options.rateLimit ?? null,
    models: options.models ?? null,
    expiresAt: options.expiresAt ?? null,
  });
  return { key, plaintext: minted.plaintext };
}
