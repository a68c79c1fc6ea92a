/**
 * @module What the station sells and refuses: model prices (an override per model, or back to the
 * configured default) and banned words. Both apply to the next generation on every replica: their
 * readers cache by a revision the change bumps.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { priceLines } from '../../../admin/price-book.js';
import { priceJson } from '../../../admin/presenters.js';
import { notFoundThing, type AdminContext } from './context.js';
import { nonNegativeCredits, parseInput } from './validate.js';

type ByModel = FastifyRequest<{ Params: { model: string } }>;

const Price = z.strictObject({ credits: nonNegativeCredits });
/** As `aigate banned-words` stores them: trimmed, single-spaced, lowercase. */
const word = z
  .string()
  .transform((text) => text.trim().replace(/\s+/g, ' ').toLowerCase())
  .pipe(z.string().min(1, 'must not be empty').max(200));
const Word = z.strictObject({ word });

export function registerCatalogueRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { store, config } = ctx;
  const lineOf = async (model: string) => (await priceLines(store.prices, config.models)).find((l) => l.model === model)!;
  const knownModel = (model: string) => {
    if (!config.models.has(model)) throw notFoundThing('model', model);
    return model;
  };

  app.get('/prices', async () => ({ prices: (await priceLines(store.prices, config.models)).map(priceJson) }));

  app.put('/prices/:model', async (request: ByModel) => {
    const model = knownModel(request.params.model);
    const { credits } = parseInput(Price, request.body, 'body');
    await store.prices.set(model, credits);
    return priceJson(await lineOf(model));
  });

  // Idempotent: removing an absent override still answers the model's (default) price.
  app.delete('/prices/:model', async (request: ByModel) => {
    const model = knownModel(request.params.model);
    await store.prices.remove(model);
    return priceJson(await lineOf(model));
  });

  app.get('/banned-words', async () => ({ words: await store.bannedWords.list() }));

  app.post('/banned-words', async (request, reply) => {
    const input = parseInput(Word, request.body, 'body');
    const added = await store.bannedWords.add(input.word);
    return reply.status(added ? 201 : 200).send({ word: input.word, added });
  });

  app.delete('/banned-words/:word', async (request: FastifyRequest<{ Params: { word: string } }>) => {
    const { word: clean } = parseInput(Word, { word: request.params.word }, 'body');
    if (!(await store.bannedWords.remove(clean))) throw notFoundThing('word', clean);
    return { word: clean, removed: true };
  });
}
