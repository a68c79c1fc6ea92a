/** @module Tests for operator password hashing: scrypt with its parameters encoded, salted, verified in constant time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './password.js';

describe('operator passwords', () => {
  it('encodes scrypt with its parameters and a random salt', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.ok(!a.includes('horse'));
  });

  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await verifyPassword('correct horse battery stapler', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('refuses malformed or absurdly costly hashes instead of throwing', async () => {
    assert.equal(await verifyPassword('x', 'plaintext'), false);
    assert.equal(await verifyPassword('x', '$scrypt$ln=30,r=8,p=1$AAAA$AAAA'), false);
  });
});
