/**
 * @module The single list of provider types. `ProviderId` is derived from it, so a channel can
 * only name a provider that exists, and the core never compares provider names.
 */
import type { ProviderDefinition } from './provider.js';
import { a1111Definition } from './a1111/index.js';
import { comfyuiDefinition } from './comfyui/index.js';
import { fireworksDefinition } from './fireworks/index.js';
import { replicateDefinition } from './replicate/index.js';
import { sandboxDefinition } from './sandbox/index.js';
import { stabilityDefinition } from './stability/index.js';

export const providerDefinitions = {
  sandbox: sandboxDefinition,
  stability: stabilityDefinition,
  replicate: replicateDefinition,
  fireworks: fireworksDefinition,
  comfyui: comfyuiDefinition,
  a1111: a1111Definition,
} as const satisfies Record<string, ProviderDefinition>;

export type ProviderId = keyof typeof providerDefinitions;

export const PROVIDER_IDS = Object.keys(providerDefinitions) as ProviderId[];

export const isProviderId = (name: string): name is ProviderId => Object.hasOwn(providerDefinitions, name);
