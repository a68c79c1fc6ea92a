/**
 * @module Credentials at rest: AES-256-GCM with a fresh nonce per value and the channel id bound
 * in, masked hints for printing, and where the master key comes from (AIGATE_SECRET or a 0600
 * key file made once).
 */
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { keyFromFile, keyFromSecret, loadMasterKey } from './master-key.js';
import { hintOf, secretBox } from './secret-box.js';

const SECRET = 'sk-upstreamSecret0123456789abcdefghijklmnopqrstuvwxyz';

/** Re-encodes one base64url part of a sealed value with a byte flipped. */
function flip(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secretBox', () => {
  const box = secretBox(randomBytes(32));

  it('opens what it sealed, with the same context', () => {
    const sealed = box.seal(SECRET, 'ch_aaaa');
    assert.equal(box.open(sealed, 'ch_aaaa'), SECRET);
    assert.equal(box.open(box.seal('', 'ch_aaaa'), 'ch_aaaa'), '', 'the empty string round-trips too');
    assert.equal(box.open(box.seal('ключ🔑', 'ch_aaaa'), 'ch_aaaa'), 'ключ🔑', 'UTF-8 round-trips');
  });

  it('never shows the plaintext in what it stores', () => {
    const sealed = box.seal(SECRET, 'ch_aaaa');
    assert.ok(!sealed.includes(SECRET));
    assert.ok(!sealed.includes(Buffer.from(SECRET).toString('base64url')));
    assert.match(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/, 'version, 12-byte nonce, 16-byte tag, body');
  });

  it('uses a fresh nonce for every seal', () => {
    const a = box.seal(SECRET, 'ch_aaaa');
    const b = box.seal(SECRET, 'ch_aaaa');
    assert.notEqual(a, b);
    assert.notEqual(a.split('.')[1], b.split('.')[1], 'the nonces differ');
    assert.equal(box.open(a, 'ch_aaaa'), box.open(b, 'ch_aaaa'));
  });

  it("refuses a value moved to another channel's row", () => {
    const sealed = box.seal(SECRET, 'ch_aaaa');
    assert.throws(() => box.open(sealed, 'ch_bbbb'), /did not open/);
    assert.throws(() => box.open(sealed, ''), /did not open/);
  });

  it('refuses a tampered body, tag or nonce', () => {
    const sealed = box.seal(SECRET, 'ch_aaaa');
    for (const part of [1, 2, 3] as const) {
      assert.throws(() => box.open(flip(sealed, part), 'ch_aaaa'), /did not open/, `part ${part} flipped`);
    }
    const parts = sealed.split('.');
    assert.throws(() => box.open([parts[0], parts[1], parts[2], parts[3]!.slice(0, -2)].join('.'), 'ch_aaaa'), /did not open/, 'a truncated body');
  });

  it('refuses what is not a sealed value at all', () => {
    assert.throws(() => box.open(SECRET, 'ch_aaaa'), /not a sealed secret/);
    assert.throws(() => box.open('v2.a.b.c', 'ch_aaaa'), /not a sealed secret/);
    assert.throws(() => box.open('v1..', 'ch_aaaa'), /not a sealed secret/);
  });

  it('refuses a value sealed under another key', () => {
    const sealed = box.seal(SECRET, 'ch_aaaa');
    assert.throws(() => secretBox(randomBytes(32)).open(sealed, 'ch_aaaa'), /did not open/);
  });

  it('wants a 32-byte key', () => {
    assert.throws(() => secretBox(randomBytes(16)), /32 bytes/);
    assert.throws(() => secretBox(randomBytes(33)), /32 bytes/);
  });
});

describe('hintOf', () => {
  it('shows only the last four characters of a long credential', () => {
    assert.equal(hintOf(SECRET), '…wxyz');
    assert.equal(hintOf('abcdefghijklmnop'), '…mnop');
    assert.ok(!hintOf(SECRET).includes(SECRET.slice(0, -4)));
  });

  it('never returns any part of a short secret or a user:password pair', () => {
    for (const short of ['', 'a', 'user:pass', 'abcdefghijk', 'admin:hunter2pw']) {
      const hint = hintOf(short);
      assert.equal(hint, '****');
      assert.notEqual(hint, short);
    }
  });
});

describe('keyFromSecret', () => {
  it('takes 64 hex characters as the key itself', () => {
    const hex = randomBytes(32).toString('hex');
    assert.deepEqual(keyFromSecret(hex), Buffer.from(hex, 'hex'));
    assert.deepEqual(keyFromSecret(hex.toUpperCase()), Buffer.from(hex, 'hex'));
  });

  it('takes base64 (or base64url) of 32 bytes as the key itself', () => {
    const raw = randomBytes(32);
    assert.deepEqual(keyFromSecret(raw.toString('base64')), raw);
    assert.deepEqual(keyFromSecret(raw.toString('base64url')), raw);
  });

  it('stretches a passphrase of 32+ characters, the same way every time', () => {
    const phrase = 'correct horse battery staple, twice over';
    const key = keyFromSecret(phrase);
    assert.equal(key.length, 32);
    assert.deepEqual(keyFromSecret(phrase), key);
    assert.deepEqual(key, scryptSync(phrase, 'aigate master key v1', 32));
    assert.notDeepEqual(keyFromSecret(`${phrase}!`), key);
    assert.ok(!key.toString('utf8').includes(phrase.slice(0, 8)));
  });

  it('refuses anything shorter', () => {
    assert.throws(() => keyFromSecret('short'), /AIGATE_SECRET must be/);
    assert.throws(() => keyFromSecret('x'.repeat(31)), /AIGATE_SECRET must be/);
    assert.throws(() => keyFromSecret(randomBytes(15).toString('hex')), /AIGATE_SECRET must be/, '30 hex characters are neither a key nor long enough');
    assert.equal(keyFromSecret('x'.repeat(32)).length, 32, '32 characters is enough');
  });
});

describe('keyFromFile', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aigate-master-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 0600 key file once and returns the same key afterwards', () => {
    const file = path.join(dir, 'nested', 'secret.key');
    assert.equal(existsSync(file), false);
    const first = keyFromFile(file);
    assert.equal(first.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.equal(text, `${first.toString('hex')}\n`);

    const second = keyFromFile(file);
    assert.deepEqual(second, first);
    assert.equal(readFileSync(file, 'utf8'), text, 'the second call does not rewrite the file');
    assert.notDeepEqual(keyFromFile(path.join(dir, 'other.key')), first, 'another file, another random key');
  });

  it('refuses a file that does not hold a key', () => {
    const file = path.join(dir, 'garbage.key');
    writeFileSync(file, 'this is not a key\n', { mode: 0o600 });
    assert.throws(() => keyFromFile(file), /does not hold a 64-hex-character key/);
    assert.equal(readFileSync(file, 'utf8'), 'this is not a key\n', 'and leaves it alone');
  });

  it('loadMasterKey prefers AIGATE_SECRET and never touches the file then', () => {
    const file = path.join(dir, 'unused.key');
    const hex = randomBytes(32).toString('hex');
    assert.deepEqual(loadMasterKey({ secret: hex, keyFile: file }), Buffer.from(hex, 'hex'));
    assert.equal(existsSync(file), false);
    assert.equal(loadMasterKey({ keyFile: file }).length, 32);
    assert.equal(existsSync(file), true);
  });
});

describe('keyFromSecret refuses a mistyped hex key', () => {
  it('names the length instead of stretching it as a passphrase', () => {
    assert.throws(() => keyFromSecret('ab'.repeat(31)), /looks like a hex key but has 62 characters/);
  });
});
