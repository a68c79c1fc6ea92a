/**
 * @module Managing channels: every change validated (provider, URL, models, options, limits) and
 * credentials sealed before they reach the store. The CLI and the admin API both call this.
 */
import type { ModelSpec } from '../config/models.js';
import { isProviderId, providerDefinitions } from '../providers/registry.js';
import { newChannelId } from '../store/sql/channels-repo.js';
import type { ChannelPatch, ChannelRecord, Store } from '../store/store.js';
import { hintOf, type SecretBox } from './secret-box.js';

export interface ChannelInput {
  name?: string;
  provider?: string;
  baseUrl?: string;
  /** Plaintext, sealed here; null removes it. */
  credentials?: string | null;
  models?: readonly string[] | null;
  modelMap?: Readonly<Record<string, string>>;
  options?: Readonly<Record<string, unknown>>;
  priority?: number;
  weight?: number;
  maxConcurrency?: number | null;
  timeoutMs?: number;
  enabled?: boolean;
}

/** A channel the operator described wrongly; the message says which setting and why. */
export class ChannelInputError extends Error {
  override name = 'ChannelInputError';
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;

function check(condition: boolean, message: string): void {
  if (!condition) throw new ChannelInputError(message);
}

export function channelService(store: Store, box: SecretBox, catalogue: ReadonlyMap<string, ModelSpec>) {
  const validate = (merged: ChannelInput & { provider: string; name: string; baseUrl: string }) => {
    check(NAME.test(merged.name), 'name: use 1 to 64 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit');
    check(isProviderId(merged.provider), `provider: must be one of ${Object.keys(providerDefinitions).join(', ')}`);
    const definition = providerDefinitions[merged.provider as keyof typeof providerDefinitions];
    if (!merged.baseUrl.startsWith('builtin:')) {
      let url: URL | undefined;
      try {
        url = new URL(merged.baseUrl);
      } catch {
        url = undefined;
      }
      check(url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:'), 'base-url: must be an http or https URL');
    }
    for (const model of [...(merged.models ?? []), ...Object.keys(merged.modelMap ?? {})]) {
      check(catalogue.has(model), `models: unknown model ${model}; known: ${[...catalogue.keys()].join(', ')}`);
    }
    check(merged.priority === undefined || (Number.isInteger(merged.priority) && Math.abs(merged.priority) <= 1_000_000), 'priority: must be a whole number from -1000000 to 1000000');
    check(merged.weight === undefined || (Number.isInteger(merged.weight) && merged.weight >= 1 && merged.weight <= 1000), 'weight: must be a whole number from 1 to 1000');
    check(merged.maxConcurrency == null || (Number.isInteger(merged.maxConcurrency) && merged.maxConcurrency >= 1 && merged.maxConcurrency <= 100_000), 'max-concurrency: must be a whole number from 1 to 100000');
    // The cap keeps every call inside a credit hold's shortest lease (config: AIGATE_HOLD_LEASE_SECONDS).
    check(merged.timeoutMs === undefined || (Number.isInteger(merged.timeoutMs) && merged.timeoutMs >= 1000 && merged.timeoutMs <= MAX_TIMEOUT_MS), 'timeout: must be from 1 second to 10 minutes');
    try {
      definition.checkOptions?.(merged.options ?? {});
    } catch (error) {
      throw new ChannelInputError(`option: ${(error as Error).message}`);
    }
    return definition;
  };

  const seal = (id: string, credentials: string | null | undefined): Pick<ChannelPatch, 'credentialsEnc' | 'credentialsHint'> =>
    credentials === undefined ? {} : credentials === null ? { credentialsEnc: null, credentialsHint: null } : { credentialsEnc: box.seal(credentials, id), credentialsHint: hintOf(credentials) };

  const find = async (idOrName: string) => {
    const channel = await store.channels.find(idOrName);
    if (!channel) throw new ChannelInputError(`no channel ${idOrName}`);
    return channel;
  };

  return {
    find,
    list: () => store.channels.list(),

    async add(input: ChannelInput): Promise<ChannelRecord> {
      check(input.provider !== undefined, 'provider: is required');
      check(input.name !== undefined, 'name: is required');
      const provider = input.provider!;
      const definition = isProviderId(provider) ? providerDefinitions[provider] : undefined;
      const baseUrl = input.baseUrl ?? definition?.defaultBaseUrl ?? '';
      validate({ ...input, provider, name: input.name!, baseUrl });
      check(!definition?.needsCredentials || !!input.credentials, `credentials: a ${provider} channel needs the upstream's API key`);
      check(!(await store.channels.find(input.name!)), `name: a channel named ${input.name} exists already`);
      const id = newChannelId();
      return store.channels.create({
        id,
        name: input.name!,
        provider,
        baseUrl,
        credentialsEnc: null,
        credentialsHint: null,
        ...seal(id, input.credentials),
        models: input.models ?? null,
        modelMap: input.modelMap ?? {},
        options: input.options ?? {},
        priority: input.priority ?? 0,
        weight: input.weight ?? 1,
        maxConcurrency: input.maxConcurrency ?? null,
        timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        enabled: input.enabled ?? true,
        disabledReason: input.enabled === false ? 'disabled by the operator' : null,
      });
    },

    async update(idOrName: string, input: ChannelInput): Promise<ChannelRecord> {
      const current = await find(idOrName);
      const merged = { ...current, ...input, provider: input.provider ?? current.provider, name: input.name ?? current.name, baseUrl: input.baseUrl ?? current.baseUrl };
      const definition = validate(merged);
      // Sealed credentials follow their URL: moving a channel to another origin without sending
      // the key again would hand the stored key to whoever runs that origin (an operator could
      // otherwise read it out through `channels test`).
      const origin = (url: string) => (url.startsWith('builtin:') ? url : new URL(url).origin);
      check(
        !(input.baseUrl !== undefined && current.credentialsEnc !== null && input.credentials === undefined && origin(input.baseUrl) !== origin(current.baseUrl)),
        "base-url: moving a channel to another origin needs its credentials sent again (or cleared)",
      );
      check(!(definition.needsCredentials && input.credentials === null), `credentials: a ${merged.provider} channel needs the upstream's API key; set another instead of clearing it`);
      if (input.name && input.name !== current.name) check(!(await store.channels.find(input.name)), `name: a channel named ${input.name} exists already`);
      const { credentials, enabled, ...rest } = input;
      const patch: ChannelPatch = { ...rest, ...seal(current.id, credentials) };
      if (enabled !== undefined) Object.assign(patch, { enabled, disabledReason: enabled ? null : 'disabled by the operator' });
      return (await store.channels.update(current.id, patch))!;
    },

    async setEnabled(idOrName: string, enabled: boolean, reason = 'disabled by the operator'): Promise<ChannelRecord> {
      const current = await find(idOrName);
      return (await store.channels.update(current.id, { enabled, disabledReason: enabled ? null : reason }))!;
    },

    async remove(idOrName: string): Promise<void> {
      const current = await find(idOrName);
      await store.channels.remove(current.id);
    },
  };
}

export type ChannelService = ReturnType<typeof channelService>;
