/**
 * @module Where the master key comes from: AIGATE_SECRET (64 hex characters, or base64 of 32
 * bytes, or a passphrase of 32+ characters stretched with scrypt), else a key file generated on
 * first use next to the database but never inside it, so a copy of the database alone reveals
 * no upstream credential.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function keyFromSecret(secret: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(secret)) return Buffer.from(secret, 'hex');
  // A hex string of another length is a mistyped key, not a passphrase: say so instead of guessing.
  if (/^[0-9a-f]{32,}$/i.test(secret)) throw new Error(`AIGATE_SECRET looks like a hex key but has ${secret.length} characters, not 64`);
  const decoded = Buffer.from(secret, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/_-]{43}=?$/.test(secret)) return decoded;
  if (secret.length < 32) throw new Error('AIGATE_SECRET must be 64 hex characters, base64 of 32 bytes, or a passphrase of at least 32 characters');
  // A fixed salt is fine: the passphrase is the operator's own secret, and the result is a key, not a stored password.
  return scryptSync(secret, 'aigate master key v1', 32);
}

/** Reads the key file, creating it (mode 0600, exclusively, so two processes cannot both write one). */
export function keyFromFile(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${file} does not hold a 64-hex-character key`);
  return Buffer.from(text, 'hex');
}

export function loadMasterKey(options: { secret?: string; keyFile: string }): Buffer {
  return options.secret ? keyFromSecret(options.secret) : keyFromFile(options.keyFile);
}
