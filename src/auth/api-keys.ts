/**
 * @module API key format and hashing. Keys are 288 random bits, so a single SHA-256 is enough to
 * make the stored hash useless to a thief and still allows an indexed lookup; a slow KDF would
 * only slow every request. The plaintext exists once, at creation.
 */
import { createHash, randomBytes } from 'node:crypto';

const KEY_FORMAT = /^sk-[A-Za-z0-9_-]{48}$/;
const ADMIN_FORMAT = /^adm-[A-Za-z0-9_-]{48}$/;

export interface MintedKey {
  /** Shown to the operator once; never stored. */
  plaintext: string;
  hash: string;
  prefix: string;
  last4: string;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function mint(scheme: 'sk' | 'adm'): MintedKey {
  const plaintext = `${scheme}-${randomBytes(36).toString('base64url')}`;
  return { plaintext, hash: hashSecret(plaintext), prefix: plaintext.slice(0, scheme.length + 5), last4: plaintext.slice(-4) };
}

export const mintApiKey = () => mint('sk');
export const mintAdminToken = () => mint('adm');

/** Cheap shape check, so garbage never reaches the database. */
export const looksLikeApiKey = (text: string) => KEY_FORMAT.test(text);
export const looksLikeAdminToken = (text: string) => ADMIN_FORMAT.test(text);

/**
 * Extracts the credential from an Authorization header: `Bearer <key>`, or the bare key that
 * Stability's own ComfyUI nodes send (spec §2).
 */
export function credentialFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const bearer = /^bearer\s+(\S+)$/i.exec(trimmed);
  if (bearer) return bearer[1];
  return /\s/.test(trimmed) ? undefined : trimmed;
}
