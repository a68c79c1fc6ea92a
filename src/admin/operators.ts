/** @module Operator accounts: created by the admin with a password of at least 12 characters, stored as scrypt. */
import { badRequest, GatewayError } from '../errors.js';
import type { OperatorRecord } from '../store/admin-store.js';
import type { Store } from '../store/store.js';
import { hashPassword } from './password.js';

/** Lowercase so "Alice" and "alice" are one account; no spaces or quotes to confuse a log line. */
export const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export async function createOperator(store: Store, username: string, password: string): Promise<OperatorRecord> {
  const operator = await store.operators.create({ username, passwordHash: await hashPassword(password) });
  if (!operator) throw badRequest([`username: ${username} is taken`]);
  return operator;
}

export async function removeOperator(store: Store, id: string): Promise<void> {
  if (!(await store.operators.remove(id))) throw new GatewayError('not_found', [`operator: no operator ${id}`]);
}

export const operatorJson = (o: Pick<OperatorRecord, 'id' | 'username'> & { createdAt?: number }) => ({
  id: o.id,
  username: o.username,
  ...(o.createdAt === undefined ? {} : { created_at: new Date(o.createdAt).toISOString() }),
});
