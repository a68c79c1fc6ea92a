/**
 * @module The flags shared by `channels add` and `channels update`, turned into a ChannelInput.
 * Credentials come from --key, --key-env or --key-stdin (the last two keep them out of shell
 * history and `ps`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ChannelInput } from '../../channels/channel-service.js';
import { CliError } from '../context.js';

export interface ChannelFlags {
  name?: string;
  baseUrl?: string;
  key?: string;
  keyEnv?: string;
  keyStdin?: boolean;
  clearKey?: boolean;
  models?: string;
  map?: string[];
  option?: string[];
  priority?: string;
  weight?: string;
  maxConcurrency?: string;
  timeout?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function channelFlags(command: Command): Command {
  return command
    .option('--base-url <url>', "the upstream's base URL (default: the provider's public API)")
    .option('--key <key>', "the upstream's API key (visible in shell history; prefer --key-env)")
    .option('--key-env <name>', 'read the API key from this environment variable')
    .option('--key-stdin', 'read the API key from standard input')
    .option('--models <ids>', "comma-separated station models this channel serves, 'all' for every one")
    .option('--map <model=upstream>', "a station model's name at the upstream (repeatable)", collect)
    .option('--option <key=value>', 'a provider option; JSON values are parsed, @file reads JSON from a file (repeatable)', collect)
    .option('--priority <n>', 'higher is tried first (default 0)')
    .option('--weight <n>', 'share among channels of the same priority (default 1)')
    .option('--max-concurrency <n>', "calls in flight at most ('none' for no cap)")
    .option('--timeout <seconds>', 'how long one call may take, 1 to 600 (default 120)')
    .option('--json', 'print one JSON object');
}

const pairs = (items: readonly string[] | undefined, flag: string) =>
  (items ?? []).map((item) => {
    const at = item.indexOf('=');
    if (at < 1) throw new CliError(`${flag}: write it as key=value, got "${item}"`);
    return [item.slice(0, at), item.slice(at + 1)] as const;
  });

function optionValue(text: string): unknown {
  if (text.startsWith('@')) return JSON.parse(readFileSync(text.slice(1), 'utf8')) as unknown;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const integer = (text: string | undefined, flag: string) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new CliError(`${flag}: "${text}" is not a number`);
  return n;
};

function credentials(flags: ChannelFlags): string | null | undefined {
  if (flags.clearKey) return null;
  if (flags.key !== undefined) return flags.key;
  if (flags.keyEnv !== undefined) {
    const value = process.env[flags.keyEnv];
    if (!value) throw new CliError(`--key-env: ${flags.keyEnv} is not set`);
    return value;
  }
  if (flags.keyStdin) return readFileSync(0, 'utf8').trim();
  return undefined;
}

export function channelInput(flags: ChannelFlags): ChannelInput {
  const timeout = integer(flags.timeout, '--timeout');
  let options: Record<string, unknown> | undefined;
  try {
    options = flags.option ? Object.fromEntries(pairs(flags.option, '--option').map(([k, v]) => [k, optionValue(v)])) : undefined;
  } catch (error) {
    throw new CliError(`--option: ${(error as Error).message}`);
  }
  return {
    name: flags.name,
    baseUrl: flags.baseUrl,
    credentials: credentials(flags),
    models: flags.models === undefined ? undefined : flags.models === 'all' ? null : flags.models.split(',').map((m) => m.trim()).filter(Boolean),
    modelMap: flags.map ? Object.fromEntries(pairs(flags.map, '--map')) : undefined,
    options,
    priority: integer(flags.priority, '--priority'),
    weight: integer(flags.weight, '--weight'),
    maxConcurrency: flags.maxConcurrency === undefined ? undefined : flags.maxConcurrency === 'none' ? null : integer(flags.maxConcurrency, '--max-concurrency'),
    timeoutMs: timeout === undefined ? undefined : Math.round(timeout * 1000),
  };
}
