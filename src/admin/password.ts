/**
 * @module Operator passwords, hashed with scrypt (node:crypto, a memory-hard KDF) under a random
 * 16-byte salt. The encoding carries its parameters (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, PHC
 * style), so the cost can be raised later without breaking the hashes already stored.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; short enough that hashing it is never a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

const DEFAULT = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, params: { ln: number; r: number; p: number }, length: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly N=2^15, r=8, so leave headroom.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT, KEY_BYTES);
  return `$scrypt$ln=${DEFAULT.ln},r=${DEFAULT.r},p=${DEFAULT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** @returns whether `password` matches `encoded`; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) return false;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Bounds so a tampered row cannot make one login allocate gigabytes.
  if (ln < 10 || ln > 20 || r < 1 || r > 16 || p < 1 || p > 4) return false;
  const expected = Buffer.from(match[5]!, 'base64url');
  const actual = await derive(password, Buffer.from(match[4]!, 'base64url'), { ln, r, p }, expected.length);
  return expected.length > 0 && timingSafeEqual(actual, expected);
}

/** A hash of nothing anyone knows: verified against when the username is unknown, so timing does not tell. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword(randomBytes(18).toString('base64url')));
