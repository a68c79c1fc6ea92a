/**
 * @module Which channels may serve a model, in the order to try them: enabled channels that serve
 * it, highest priority first, weighted random within one priority. Channels are reloaded from the
 * store when its revision moves, so a change from the CLI applies to the next request.
 */
import type { Provider } from '../providers/provider.js';
import { isProviderId, providerDefinitions } from '../providers/registry.js';
import type { ChannelRecord, Store } from '../store/store.js';
import type { SecretBox } from './secret-box.js';

export interface RoutedChannel {
  readonly id: string;
  /** Named in `x-aigate-channel` and the usage log. */
  readonly name: string;
  readonly provider: Provider;
  readonly priority: number;
  readonly weight: number;
  readonly maxConcurrency: number | null;
  readonly timeoutMs: number;
  /** Null: every model in the catalogue. */
  readonly models: ReadonlySet<string> | null;
}

export interface ChannelRouter {
  candidates(model: string): Promise<readonly RoutedChannel[]>;
  /** Takes a channel out of service with a reason the operator sees in `channels list`. */
  disable(channelId: string, reason: string): Promise<void>;
  /** Every channel in service, in no order: the metrics read each one's circuit at scrape time. */
  channels?(): Promise<readonly RoutedChannel[]>;
}

/**
 * Orders channels: priority descending, then a weighted shuffle within each priority
 * (Efraimidis-Spirakis: sort by random^(1/weight), so each is first with probability weight/sum).
 */
export function order(channels: readonly RoutedChannel[], random: () => number = Math.random): RoutedChannel[] {
  const keyed = channels.map((channel) => ({ channel, key: random() ** (1 / Math.max(channel.weight, 1e-9)) }));
  keyed.sort((a, b) => b.channel.priority - a.channel.priority || b.key - a.key);
  return keyed.map((k) => k.channel);
}

const serves = (channel: RoutedChannel, model: string) => channel.models === null || channel.models.has(model);

/**
 * Builds the adapter for a stored channel; undefined when it is disabled (unless asked for),
 * its provider is unknown, or its secret will not open.
 */
export function buildChannel(record: ChannelRecord, box: SecretBox, includeDisabled = false): RoutedChannel | undefined {
  if ((!record.enabled && !includeDisabled) || !isProviderId(record.provider)) return undefined;
  let credentials: string | null = null;
  try {
    credentials = record.credentialsEnc === null ? null : box.open(record.credentialsEnc, record.id);
  } catch {
    return undefined;
  }
  const provider = providerDefinitions[record.provider].create({ baseUrl: record.baseUrl.replace(/\/+$/, ''), credentials, modelMap: record.modelMap, options: record.options });
  return {
    id: record.id,
    name: record.name,
    provider,
    priority: record.priority,
    weight: record.weight,
    maxConcurrency: record.maxConcurrency,
    timeoutMs: record.timeoutMs,
    models: record.models === null ? null : new Set(record.models),
  };
}

export function storeRouter(store: Store, box: SecretBox, random: () => number = Math.random): ChannelRouter {
  let cache: { revision: number; channels: RoutedChannel[] } | undefined;
  const load = async () => {
    const revision = await store.channels.revision();
    if (!cache || cache.revision !== revision) {
      const records = await store.channels.list();
      cache = { revision, channels: records.flatMap((r) => buildChannel(r, box) ?? []) };
    }
    return cache.channels;
  };
  return {
    async candidates(model) {
      return order((await load()).filter((c) => serves(c, model)), random);
    },
    async disable(channelId, reason) {
      await store.channels.update(channelId, { enabled: false, disabledReason: reason });
    },
    channels: load,
  };
}

/** A fixed list, for tests and embedding: nothing to disable. */
export function staticRouter(channels: readonly RoutedChannel[], random: () => number = Math.random): ChannelRouter {
  return {
    candidates: async (model) => order(channels.filter((c) => serves(c, model)), random),
    disable: async () => {},
    channels: async () => channels,
  };
}
