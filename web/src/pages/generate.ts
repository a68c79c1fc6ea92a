/**
 * @module What the playground does on the wire: one generation through the station's PUBLIC
 * endpoint with the chosen API key (exactly as a customer calls it, so it is routed, limited and
 * charged like theirs), then the charge, read back from the usage log by the request id.
 */
import { api, errorFrom, query } from '../api/client';
import type { UsagePage, UsageRow } from '../api/types';
import { rememberedKeys } from '../lib/key-memory';

export interface Generated {
  /** A blob: URL of the image; the caller revokes it. */
  url: string;
  type: string;
  seed: string | null;
  finishReason: string | null;
  requestId: string | null;
  channel: string | null;
}

/** Stability's ultra and core are endpoints of their own, without a `model` field; the rest are sd3's. */
const OWN_ENDPOINT = new Set(['ultra', 'core']);

/** @throws ApiError with the public API's `{id, name, errors[]}`. */
export async function generate(apiKey: string, fields: Record<string, string>): Promise<Generated> {
  const { model = '', ...rest } = fields;
  const endpoint = OWN_ENDPOINT.has(model) ? model : 'sd3';
  const form = new FormData();
  for (const [name, value] of Object.entries(endpoint === 'sd3' ? fields : rest)) if (value !== '') form.set(name, value);
  // Relative to /admin/, so a path prefix in front of the station is kept.
  const response = await fetch(`../v2beta/stable-image/generate/${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, accept: 'image/*' },
    body: form,
    credentials: 'omit',
  });
  if (!response.ok) throw await errorFrom(response);
  const blob = await response.blob();
  const header = (name: string) => response.headers.get(name);
  return { url: URL.createObjectURL(blob), type: blob.type, seed: header('seed'), finishReason: header('finish-reason'), requestId: header('x-request-id'), channel: header('x-aigate-channel') };
}

/** The key's id: remembered from its creation, or asked of the public account endpoint. */
export async function keyIdOf(apiKey: string): Promise<string | undefined> {
  const known = rememberedKeys().find((k) => k.key === apiKey);
  if (known) return known.id;
  const response = await fetch('../v1/user/account', { headers: { authorization: `Bearer ${apiKey}` }, credentials: 'omit' });
  if (!response.ok) return undefined;
  const account = (await response.json()) as { id?: unknown };
  return typeof account.id === 'string' ? account.id : undefined;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The usage row of one request. The station writes it just after the answer is sent, so it may
 * not be there yet when the image arrives: a few tries, a short interval apart.
 */
export async function usageRowOf(keyId: string, requestId: string, tries = 10, intervalMs = 300): Promise<UsageRow | undefined> {
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const page = await api<UsagePage>('GET', `usage${query({ key: keyId, limit: 20 })}`);
    const row = page.usage.find((r) => r.request_id === requestId);
    if (row) return row;
    await pause(intervalMs);
  }
  return undefined;
}
