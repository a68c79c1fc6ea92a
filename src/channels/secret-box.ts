/**
 * @module Seals upstream credentials at rest with AES-256-GCM. Each value gets a fresh 96-bit
 * nonce, and the channel id is bound in as associated data, so a sealed value copied onto another
 * channel's row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** @throws Error when the value was tampered with, moved, or sealed under another key. */
  open(sealed: string, context: string): string;
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the master key must be 32 bytes');
  return {
    seal(plaintext, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, nonce, tag, body] = sealed.split('.');
      if (version !== VERSION || !nonce || !tag || body === undefined) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('a sealed secret did not open: wrong master key, or the value was altered');
      }
    },
  };
}

/**
 * What `channels list` may print of a credential: its last four characters, and only for long
 * ones, so a `user:password` pair or a short token shows nothing of itself.
 */
export function hintOf(secret: string): string {
  return secret.length >= 16 ? `…${secret.slice(-4)}` : '****';
}
