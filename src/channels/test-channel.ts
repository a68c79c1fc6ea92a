/**
 * @module `channels test`: one real, small generation through a channel, enabled or not, timed.
 * It costs the operator one upstream image; nothing is charged to any key.
 */
import type { ModelSpec } from '../config/models.js';
import { sizeFor } from '../generation/sizes.js';
import type { GenerationResult } from '../providers/provider.js';
import type { ChannelRecord } from '../store/store.js';
import { ChannelInputError } from './channel-service.js';
import { buildChannel } from './router.js';
import type { SecretBox } from './secret-box.js';

export interface ChannelTestReport {
  channel: string;
  model: string;
  latencyMs: number;
  result: GenerationResult;
}

export async function testChannel(record: ChannelRecord, box: SecretBox, catalogue: ReadonlyMap<string, ModelSpec>, model?: string): Promise<ChannelTestReport> {
  const channel = buildChannel(record, box, true);
  if (!channel) throw new ChannelInputError(`channel ${record.name} cannot be built: unknown provider ${record.provider}, or its credentials do not open with this master key`);
  const chosen = model ?? record.models?.[0] ?? [...catalogue.values()].find((m) => m.endpoint === 'sd3')?.id;
  const spec = chosen === undefined ? undefined : catalogue.get(chosen);
  if (!spec || (channel.models && !channel.models.has(spec.id))) throw new ChannelInputError(`model: ${chosen} is not served by channel ${record.name}`);
  const { width, height } = sizeFor(spec.endpoint, '1:1');
  const started = performance.now();
  const result = await channel.provider.generate(
    { endpoint: spec.endpoint, model: spec.id, prompt: 'aigate channel test: a small red cube on a white table', width, height, aspectRatio: '1:1', seed: 0, outputFormat: 'jpeg', cfgScale: spec.distilled ? 1 : 4 },
    { signal: AbortSignal.timeout(record.timeoutMs) },
  );
  return { channel: record.name, model: spec.id, latencyMs: Math.round(performance.now() - started), result };
}
