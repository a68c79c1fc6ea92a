/**
 * @module API keys and their credits, through the same store calls as `aigate keys` and
 * `aigate credits`, in the same JSON shapes: create (the plaintext only in this answer), list,
 * show, edit limits/models/expiry/cap, revoke; the ledger, top-ups and adjustments.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { creditsJson, keyJson } from '../../../admin/presenters.js';
import { createApiKey } from '../../../auth/create-key.js';
import { formatCredits } from '../../../billing/credits.js';
import { badRequest, GatewayError } from '../../../errors.js';
import { notFoundThing, type AdminContext } from './context.js';
import { credits, isoDate, modelList, nonNegativeCredits, parseInput, rate } from './validate.js';

type ById = FastifyRequest<{ Params: { id: string } }>;

export function registerKeyRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { store, now } = ctx;
  const limits = {
    rate_limit: rate.nullable().optional(),
    models: modelList(ctx.config.models).nullable().optional(),
    expires_at: isoDate.nullable().optional(),
    cap: nonNegativeCredits.nullable().optional(),
  };
  const name = z.string().trim().min(1).max(100);
  const NewKey = z.strictObject({ name: name.optional(), credits: nonNegativeCredits.optional(), ...limits });
  const KeyEdit = z.strictObject({ name: name.optional(), ...limits });
  const Credit = z.strictObject({ amount: credits.refine((milli) => milli !== 0, 'must not be zero'), note: z.string().max(500).optional() });

  // Other headers pass: only the idempotency key is read from them.
  const IdempotencyHeader = z.object({ 'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,255}$/, 'use 1 to 255 visible ASCII characters').optional() });
  const LedgerQuery = z.strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().regex(/^[1-9]\d{0,15}$/, 'use the next_cursor of the previous page').transform(Number).optional(),
  });

  const keyOr404 = async (id: string) => {
    const key = await store.keys.get(id);
    if (!key) throw notFoundThing('key', id);
    return key;
  };

  app.get('/keys', async () => ({ keys: (await store.keys.list()).map((k) => keyJson(k, now())) }));

  app.post('/keys', async (request: FastifyRequest, reply: FastifyReply) => {
    const input = parseInput(NewKey, request.body, 'body');
    const { key, plaintext } = await createApiKey(store, {
      name: input.name,
      credits: input.credits ?? 0,
      cap: input.cap ?? null,
      rateLimit: input.rate_limit ?? null,
      models: input.models ?? null,
      expiresAt: input.expires_at ?? null,
    });
    reply.header('cache-control', 'no-store');
    return reply.status(201).send({ ...keyJson(key, now()), key: plaintext });
  });

  app.get('/keys/:id', async (request: ById) => keyJson(await keyOr404(request.params.id), now()));

  app.patch('/keys/:id', async (request: ById) => {
    const input = parseInput(KeyEdit, request.body, 'body');
    const key = await store.keyEdits.update(request.params.id, {
      name: input.name,
      cap: input.cap,
      rateLimit: input.rate_limit,
      models: input.models,
      expiresAt: input.expires_at,
    });
    if (!key) throw notFoundThing('key', request.params.id);
    return keyJson(key, now());
  });

  // Revoking keeps the row: its ledger and usage still refer to it.
  app.delete('/keys/:id', async (request: ById) => {
    if (!(await store.keys.revoke(request.params.id, now()))) throw notFoundThing('key', request.params.id);
    return { id: request.params.id, revoked: true };
  });

  // The ledger newest first, paged by row id like the usage log: a busy key's history is long.
  app.get('/keys/:id/credits', async (request: ById) => {
    const q = parseInput(LedgerQuery, request.query, 'query');
    const key = await keyOr404(request.params.id);
    const rows = await store.credits.ledgerPage(key.id, { beforeId: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { ...creditsJson(key, page), next_cursor: rows.length > q.limit ? String(page[page.length - 1]!.id) : null };
  });

  // With an Idempotency-Key a retried top-up (a timeout, a double click) is applied once: the
  // retry gets the first answer back, marked `idempotent-replayed: true`.
  app.post('/keys/:id/credits', async (request: ById, reply: FastifyReply) => {
    const input = parseInput(Credit, request.body, 'body');
    const idempotencyKey = parseInput(IdempotencyHeader, request.headers, 'header')['idempotency-key'];
    const key = await keyOr404(request.params.id);
    const kind = input.amount > 0 ? 'topup' : 'adjust';
    const refused = () => badRequest([`amount: cannot remove ${formatCredits(-input.amount)} credits: the key has less than that available`]);
    const answer = (balance: number) => ({ key_id: key.id, added: formatCredits(input.amount), balance: formatCredits(balance) });
    if (idempotencyKey === undefined) {
      const balance = await store.credits.adjust(key.id, input.amount, kind, input.note ?? null);
      if (balance === undefined) throw refused();
      return answer(balance);
    }
    const result = await store.credits.adjustOnce(key.id, input.amount, kind, input.note ?? null, idempotencyKey);
    if (result.outcome === 'refused') throw refused();
    if (result.outcome === 'conflict') throw new GatewayError('conflict', ['idempotency-key: already used for a different amount on this key']);
    if (result.outcome === 'replayed') reply.header('idempotent-replayed', 'true');
    return answer(result.balanceAfter);
  });
}
