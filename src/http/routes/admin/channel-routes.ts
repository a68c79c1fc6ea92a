/**
 * @module Channels, through the same service as `aigate channels` (validation, sealed
 * credentials) and in the same JSON shape: credentials go in, only their masked hint comes out.
 * The service's input errors name CLI flags; they are renamed to this API's fields.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChannelRecord } from '../../../store/store.js';
import { z } from 'zod';
import { channelJson } from '../../../admin/presenters.js';
import { ChannelInputError, channelService, type ChannelInput } from '../../../channels/channel-service.js';
import { testChannel } from '../../../channels/test-channel.js';
import { badRequest, GatewayError } from '../../../errors.js';
import { UpstreamFailure } from '../../../providers/upstream-failure.js';
import { notFoundThing, type AdminContext } from './context.js';
import { parseInput } from './validate.js';

type ById = FastifyRequest<{ Params: { id: string } }>;

const FIELD_NAMES: Record<string, string> = { 'base-url': 'base_url', 'max-concurrency': 'max_concurrency', timeout: 'timeout_seconds', option: 'options' };
const renamed = (message: string) => message.replace(/^([a-z-]+):/, (whole, field: string) => (FIELD_NAMES[field] ? `${FIELD_NAMES[field]}:` : whole));

const fields = {
  name: z.string().optional(),
  base_url: z.string().optional(),
  credentials: z.string().min(1).nullable().optional(),
  models: z.array(z.string()).nullable().optional(),
  model_map: z.record(z.string(), z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  priority: z.number().int().optional(),
  weight: z.number().int().optional(),
  max_concurrency: z.number().int().nullable().optional(),
  timeout_seconds: z.number().positive().optional(),
  enabled: z.boolean().optional(),
};
const NewChannel = z.strictObject({ ...fields, provider: z.string(), name: z.string() });
const ChannelEdit = z.strictObject(fields);
const Disable = z.strictObject({ reason: z.string().max(500).optional() });
const Test = z.strictObject({ model: z.string().optional() });

function toInput(body: z.infer<typeof ChannelEdit> & { provider?: string }): ChannelInput {
  return {
    name: body.name,
    provider: body.provider,
    baseUrl: body.base_url,
    credentials: body.credentials,
    models: body.models,
    modelMap: body.model_map,
    options: body.options,
    priority: body.priority,
    weight: body.weight,
    maxConcurrency: body.max_concurrency,
    timeoutMs: body.timeout_seconds === undefined ? undefined : Math.round(body.timeout_seconds * 1000),
    enabled: body.enabled,
  };
}

/** The service's refusals are the caller's: 400 with the field named as this API names it. */
async function service<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ChannelInputError) throw badRequest([renamed(error.message)]);
    throw error;
  }
}

export function registerChannelRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const channels = channelService(ctx.store, ctx.secrets, ctx.config.models);
  const existing = async (id: string) => {
    const record = await ctx.store.channels.find(id);
    if (!record) throw notFoundThing('channel', id);
    return record;
  };

  // Reads add the live view the routers act on; it is null when it cannot be read (Redis down),
  // so the page still lists the channels that need attention.
  const withHealth = async (c: ChannelRecord) => {
    const [circuit, inFlight] = await Promise.all([ctx.breakers.state(c.id).catch(() => null), ctx.gate.inFlight(c.id).catch(() => null)]);
    return { ...channelJson(c), circuit, in_flight: inFlight };
  };
  app.get('/channels', async () => ({ channels: await Promise.all((await channels.list()).map(withHealth)) }));
  app.get('/channels/:id', async (request: ById) => withHealth(await existing(request.params.id)));

  app.post('/channels', async (request, reply) => {
    const input = toInput(parseInput(NewChannel, request.body, 'body'));
    return reply.status(201).send(channelJson(await service(() => channels.add(input))));
  });

  app.patch('/channels/:id', async (request: ById) => {
    const input = toInput(parseInput(ChannelEdit, request.body, 'body'));
    const record = await existing(request.params.id);
    return channelJson(await service(() => channels.update(record.id, input)));
  });

  app.post('/channels/:id/enable', async (request: ById) => channelJson(await channels.setEnabled((await existing(request.params.id)).id, true)));

  app.post('/channels/:id/disable', async (request: ById) => {
    const { reason } = parseInput(Disable, request.body, 'body');
    return channelJson(await channels.setEnabled((await existing(request.params.id)).id, false, reason));
  });

  app.delete('/channels/:id', async (request: ById) => {
    const record = await existing(request.params.id);
    await channels.remove(record.id);
    return { id: record.id, name: record.name, removed: true };
  });

  // A failed test is a finding, not a failed request: 200 with ok false and why.
  app.post('/channels/:id/test', async (request: ById) => {
    const { model } = parseInput(Test, request.body, 'body');
    const record = await existing(request.params.id);
    try {
      const report = await service(() => testChannel(record, ctx.secrets, ctx.config.models, model));
      const { result } = report;
      return { channel: report.channel, ok: true, model: report.model, latency_ms: report.latencyMs, seed: result.seed, format: result.format, bytes: result.bytes.length, finish_reason: result.finishReason };
    } catch (error) {
      if (error instanceof UpstreamFailure) return { channel: record.name, ok: false, error: `${error.kind}: ${error.message}` };
      if (error instanceof GatewayError && error.code !== 'bad_request') return { channel: record.name, ok: false, error: `${error.code}: ${error.errors.join('; ')}` };
      throw error;
    }
  });
}
